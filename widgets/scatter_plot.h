#pragma once
// A 2-D scatter plot with one colour per class and a legend (the preview of 2-feature sets
// such as spirals, moons or the logic gates).

#include <QPointF>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;

namespace strata::widgets {

// A qualitative palette (matplotlib tab10) so neighbouring classes never look alike; the
// colours repeat after ten classes.
QColor classColor(int index);

class ScatterPlot : public QWidget
{
    Q_OBJECT

public:
    explicit ScatterPlot(QWidget *parent = nullptr);

    // points and classes pair up by index; a class outside names is labelled by its number.
    void setPoints(const std::vector<QPointF> &points, const std::vector<int> &classes,
                   const QStringList &names);
    void setAxisLabels(const QString &x, const QString &y);
    void clear();

    int pointCount() const { return pointCount_; }
    int seriesCount() const;
    QCustomPlot *customPlot() const { return plot_; }

private:
    QCustomPlot *plot_ = nullptr;
    int pointCount_ = 0;
};

} // namespace strata::widgets
