#pragma once
// What one layer makes of the sample Try the model asks about: a convolution's (or pooling's)
// output channels as a grid of small pictures, each stretched to its own range (bright: high),
// and a flat output (Dense, its activation) as one bar per unit.

#include "strata/tensor.h"

#include <QString>
#include <QWidget>

class QCustomPlot;
class QLabel;
class QStackedWidget;

namespace strata::widgets {
class ImageGrid;
}

namespace strata::ui {

class ActivationView : public QWidget
{
    Q_OBJECT

public:
    explicit ActivationView(QWidget *parent = nullptr);

    // The output of one sample ({1, ...} or its per-sample shape) of the layer called `name`.
    void show(const strata::Tensor &output, const QString &name);
    void clear(const QString &why = {});

    // --- What is shown (tests read these)
    int channelCount() const; // pictures in the grid
    int barCount() const;     // bars in the chart
    QString caption() const;

private:
    QLabel *caption_ = nullptr;
    QStackedWidget *pages_ = nullptr;
    widgets::ImageGrid *grid_ = nullptr;
    QCustomPlot *bars_ = nullptr;
    int barCount_ = 0;
};

} // namespace strata::ui
