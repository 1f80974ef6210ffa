#pragma once
// "Weights": how each layer's weights and gradients move over the epochs, TensorBoard's
// histograms and distributions without a second tool. For the chosen tensor (a layer's kernel
// or bias) and kind (weights, or the gradients of each epoch's last batch): one histogram per
// epoch stacked front to back (newest in front), or the distribution over epochs as bands
// between percentiles; under it the layer's weight norm and gradient norm as curves; beside
// them the first convolution's filters as pictures, from the latest weights.
//
// Everything comes from the training session: the statistics with each epoch
// (EpochMetrics::parameters, computed by the trainer, so drawing costs training nothing) and
// the filters from the latest weights snapshot (asked for only while the panel can be seen).

#include "strata/parameter_stats.h"
#include "strata/training_events.h"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QCustomPlot;
class QLabel;
class QTimer;

namespace strata::widgets {
class ImageGrid;
}

namespace strata::ui {

class TrainingSession;

class WeightsPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Values { Weights, Gradients };
    enum class View { Histograms, Distributions };

    explicit WeightsPanel(TrainingSession *session, QWidget *parent = nullptr);
    ~WeightsPanel() override;

    // Epochs drawn at most in the histogram view (evenly spread over a longer run, the last
    // always among them).
    static constexpr int kMaxHistograms = 40;
    // Filters of the first convolution shown at most.
    static constexpr int kMaxFilters = 64;
    // Milliseconds between two redraws while epochs arrive.
    static constexpr int kRedrawMs = 200;

    // The tensor drawn, by name ("conv1.weight"); false when no epoch has it.
    bool selectTensor(const QString &name);
    void setValues(Values values);
    void setView(View view);

    // --- What is shown (tests read these)
    QString tensorName() const;
    QStringList tensorNames() const;
    int epochCount() const { return static_cast<int>(epochs_.size()); }
    // Histograms drawn (one per epoch shown) in the histogram view; bands in the other.
    int histogramCount() const { return histograms_; }
    int bandCount() const { return bands_; }
    // Points of the norm curves (weights, gradients).
    int weightNormPoints() const;
    int gradientNormPoints() const;
    // The filters shown, and of which layer (empty: the model has no convolution, or no
    // weights yet).
    int filterCount() const;
    QString filterLayer() const { return filterLayer_; }
    QString message() const;
    QCustomPlot *distributionPlot() const { return distribution_; }
    QCustomPlot *normPlot() const { return norms_; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    void reset();
    void addEpoch(const strata::EpochMetrics &metrics);
    void fillTensors();
    void redraw();
    void redrawLater();
    void drawHistograms(const std::vector<const strata::ValueStats *> &stats,
                        const std::vector<int> &epochs);
    void drawBands(const std::vector<const strata::ValueStats *> &stats,
                   const std::vector<int> &epochs);
    void drawNorms();
    void refreshFilters();

    QPointer<TrainingSession> session_;
    struct Epoch
    {
        int epoch = 0; // 0-based
        std::vector<strata::ParameterStats> parameters;
    };
    std::vector<Epoch> epochs_;
    Values values_ = Values::Weights;
    View view_ = View::Histograms;
    int histograms_ = 0, bands_ = 0;
    QString filterLayer_;
    bool stale_ = false; // epochs arrived since the last redraw

    QComboBox *tensor_ = nullptr;
    QComboBox *valuesBox_ = nullptr;
    QComboBox *viewBox_ = nullptr;
    QLabel *message_ = nullptr;
    QCustomPlot *distribution_ = nullptr;
    QCustomPlot *norms_ = nullptr;
    QLabel *filterCaption_ = nullptr;
    widgets::ImageGrid *filters_ = nullptr;
    QTimer *filterTimer_ = nullptr;
    QTimer *redrawTimer_ = nullptr;
};

} // namespace strata::ui
