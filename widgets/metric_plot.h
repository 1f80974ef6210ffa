#pragma once
// A live plot of one training metric (loss or accuracy): per-batch training values, smoothed
// like TensorBoard, and per-epoch training and validation values, with a legend, hover
// read-out, learning-rate markers, log scale, and export to PNG, PDF and CSV.

#include <QColor>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QCPAbstractItem;
class QCPGraph;
class QCPItemText;
class QCPTextElement;
class QCPItemTracer;
class QCustomPlot;

namespace strata::widgets {

class Throttle;

// TensorBoard's exponential moving average with debiasing: s_i = w*s_{i-1} + (1-w)*v_i,
// shown as s_i / (1 - w^i) so the first points are not pulled towards zero. weight in [0, 1);
// non-finite values are passed through and do not enter the average.
std::vector<double> smoothSeries(const std::vector<double> &values, double weight);

// The colours of the training and validation series, shared by every plot in the studio so
// a user learns them once.
QColor trainColor();
QColor validationColor();

// A kept run's per-epoch curves, drawn beside the live run's to compare them.
struct RunCurve
{
    QString name;
    QColor color;
    std::vector<double> epochs;     // 1-based, as the live curves
    std::vector<double> train;      // one value per epoch
    std::vector<double> validation; // one per epoch, or empty when the run had none
};

class MetricPlot : public QWidget
{
    Q_OBJECT

public:
    // metricName is the value axis label and the CSV column, e.g. "loss" or "accuracy".
    explicit MetricPlot(const QString &metricName, QWidget *parent = nullptr);

    QString metricName() const { return metricName_; }

    // One training batch; x is the fractional epoch (e.g. 2.5 = half-way through epoch 3).
    void addBatchPoint(double x, double value);
    // The end of an epoch; epoch counts completed epochs (1 for the first), which is also its
    // x position. val is the validation value when the run has a validation set.
    void addEpochPoint(int epoch, double train, std::optional<double> val);
    // A dashed vertical line at x with a short label (e.g. "lr 0.01").
    void addMarker(double x, const QString &label);
    // The live run's curves go; compared runs stay (setComparedRuns changes them).
    void clear();
    // Other runs' epoch curves on the same axes: a solid line for training, a dashed one for
    // validation, in the run's colour; the legend names each run once. Replaces the previous
    // ones.
    void setComparedRuns(const std::vector<RunCurve> &runs);
    int comparedRunCount() const { return static_cast<int>(comparedGraphs_.size()); }
    // The legend's entries in order, for tests and the README's picture.
    QStringList legendNames() const;

    // Smoothing weight of the per-batch curve, clamped to [0, 0.999].
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    // Logarithmic value axis; non-positive values are left out of the range.
    void setLogScale(bool on);
    bool logScale() const { return logScale_; }
    // Multiplies the width of every curve (presenter mode: 2.5 reads across a room); the epoch
    // points grow less. 1 is the default; the scale is clamped to [0.5, 5].
    void setLineWidthScale(double scale);
    double lineWidthScale() const { return lineScale_; }
    // Keeps the value axis inside [low, high] (accuracy: [0, 1]); by default it is free.
    void setValueBounds(double low, double high);

    int batchPointCount() const { return static_cast<int>(batchX_.size()); }
    int epochPointCount() const { return static_cast<int>(epochX_.size()); }
    int markerCount() const { return static_cast<int>(markers_.size()); }
    const std::vector<double> &smoothedBatchValues() const { return batchSmoothed_; }

    // Long-format CSV: series,epoch,<metric>,smoothed (series: batch_train, epoch_train,
    // epoch_validation; smoothed is only set for batch rows).
    QString toCsv() const;
    bool saveCsv(const QString &path) const;
    // 0 for width/height: the widget's current size. Returns false when the file cannot be
    // written.
    bool savePng(const QString &path, int width = 0, int height = 0);
    bool savePdf(const QString &path, int width = 0, int height = 0);

    // Points the hover read-out at the data point nearest to pos (widget pixels) and returns
    // its text, or hides it and returns "" when no point is within reach.
    QString showReadoutNear(const QPointF &pos);
    QString readoutText() const { return readout_; }

    QCustomPlot *customPlot() const { return plot_; }
    // Drawings so far; batch points redraw at most 10 times a second (new epochs, settings
    // and the hover read-out at once).
    int replotCount() const { return replots_; }
    static constexpr int kBatchReplotIntervalMs = 100;

    // Legend entries per row: 0 for all of them in one row when the plot is wide enough, else
    // 2, else 1.
    int legendColumns() const { return legendColumns_; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    // The title, axes and legend follow the widget's font (the studio's text size).
    void changeEvent(QEvent *event) override;

private:
    struct Marker
    {
        double x;
        QString label;
    };

    void setupAxes();
    void applyFonts();
    void applyPens();
    void rebuildSmoothed();
    void updateRanges();
    void scheduleReplot();
    void hideReadout();
    void fitLegend();

    QString metricName_;
    QCustomPlot *plot_ = nullptr;
    QCPGraph *batchRaw_ = nullptr;
    QCPGraph *batchSmooth_ = nullptr;
    QCPGraph *epochTrain_ = nullptr;
    QCPGraph *epochVal_ = nullptr;
    QCPItemTracer *tracer_ = nullptr;
    QCPItemText *readoutLabel_ = nullptr;

    std::vector<double> batchX_, batchY_, batchSmoothed_;
    std::vector<double> epochX_, epochTrainY_;
    std::vector<double> valX_, valY_;
    std::vector<Marker> markers_;
    std::vector<RunCurve> comparedRuns_;
    std::vector<std::vector<QCPGraph *>> comparedGraphs_; // per compared run: train, validation
    std::vector<double> comparedX_, comparedY_;           // all their points, for the axes' ranges
    std::vector<QCPAbstractItem *> markerItems_;          // lines and labels, removed by clear()
    // Running state of the moving average so each new batch costs O(1).
    double emaLast_ = 0;
    int emaCount_ = 0;
    double smoothing_ = 0.6;
    bool logScale_ = false;
    double lineScale_ = 1;
    QCPTextElement *title_ = nullptr; // the metric's name above the axes
    std::optional<std::pair<double, double>> bounds_;
    QString readout_;
    int legendColumns_ = 0; // 0: one row
    Throttle *batchReplot_ = nullptr;
    int replots_ = 0;
};

} // namespace strata::widgets
