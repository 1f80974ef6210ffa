#pragma once
// The decision boundary panel: for a model whose input has 2 features, the class it predicts
// at each point of the plane (shaded by how sure it is; one output under mse coloured by
// value) under the dataset's points in their class colours, misclassified ones ringed, and
// each hidden unit's output over the same plane (NeuronMaps). It listens to the
// TrainingSession's weight snapshots and redraws at most every 100 ms while training; the
// evaluation runs on a thread of its own (BoundaryEvaluator), the GUI only uploads the grid.
// A click on the map shows the network's output there. Any other model gets a message
// saying why there is nothing to draw.

#include "strata/decision_boundary.h"
#include "strata/project.h"
#include "strata/weights_snapshot.h"

#include <QElapsedTimer>
#include <QImage>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

class QBoxLayout;
class QCPColorMap;
class QCustomPlot;
class QLabel;
class QScrollArea;
class QStackedWidget;
class QTimer;

namespace strata {
class Probe;
}

namespace strata::ui {

class BoundaryEvaluator;
struct BoundaryResult;
class NeuronMaps;
class TrainingSession;

class BoundaryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit BoundaryPanel(TrainingSession *session, QWidget *parent = nullptr);
    ~BoundaryPanel() override;

    // The open project and the folder its relative paths start from (what Train would
    // train); asked when no run of it is there to show.
    using ProjectSource = std::function<std::pair<strata::Project, QString>()>;
    void setProjectSource(ProjectSource source);
    // Looks again at what to show (the project changed): the last run while it still
    // matches the project's model and data, else the project's model untrained.
    void refresh();

    static constexpr int kMinRedrawMs = 100; // live redraws at most this often
    // ... and rarer when a redraw costs more: its evaluation and upload together (CPU time)
    // take at most this share of the time, so training keeps its speed on a machine without
    // a free core.
    static constexpr double kMaxShare = 0.05;
    // ... but one every second at least, however slow the machine.
    static constexpr int kMaxRedrawMs = 1000;
    // The pause after the last redraw began before the next may begin.
    int redrawIntervalMs() const;
    static constexpr int kCells = 100; // grid cells per side

    // --- What is shown (tests and the screenshot script read these)
    // The message instead of (or above) the map: why nothing is drawn, or what to do.
    QString message() const;
    bool hasBoundary() const;
    // The open project's model takes 2 input features (a decision boundary can be drawn for
    // it once it trains); asked now, of the project source, not of the last picture.
    bool projectFits() const;
    QCustomPlot *plot() const { return plot_; }
    QCPColorMap *colorMap() const { return map_; }
    NeuronMaps *neuronMaps() const { return neurons_; }
    const strata::GridSpec &grid() const;
    // The class the shown map predicts in the cell at (x, y) (the value under mse, rounded),
    // or -1 without a map.
    int predictedClassAt(double x, double y) const;
    // What the network outputs at (x, y) on the shown weights, in words: what a click shows.
    QString outputTextAt(double x, double y);
    QString clickText() const;
    // The weights of the boundary shown (nullptr when none is).
    strata::SnapshotPtr shownSnapshot() const;
    // Evaluations uploaded so far.
    int redraws() const { return redraws_; }

signals:
    // A new boundary (or message) is shown.
    void updated();
    // The neuron maps shown, by node id (empty lists: none), for the canvas to show beside
    // each node.
    void unitMapsChanged(const QStringList &nodeIds, const std::vector<std::vector<QImage>> &maps);

protected:
    void showEvent(QShowEvent *event) override;
    // Side by side (map, neuron maps) when wide, one above the other when narrow.
    void resizeEvent(QResizeEvent *event) override;

private:
    void scheduleEvaluation();
    void evaluateNow();
    void showResult(std::shared_ptr<const BoundaryResult> result);
    void showMessage(const QString &text);
    void drawMap(const BoundaryResult &result);
    void drawPoints(const BoundaryResult &result);
    void clicked(double x, double y);

    QPointer<TrainingSession> session_; // the main window deletes it before its docks
    ProjectSource source_;
    BoundaryEvaluator *evaluator_;
    QTimer *pacer_; // holds a redraw back to kMinRedrawMs after the last one began
    QElapsedTimer sinceRequest_;
    bool pending_ = false; // something newer to show arrived while evaluating

    QLabel *status_ = nullptr;
    QStackedWidget *pages_ = nullptr;
    QLabel *messageLabel_ = nullptr;
    QCustomPlot *plot_ = nullptr;
    QCPColorMap *map_ = nullptr;
    QLabel *clickLabel_ = nullptr;
    QBoxLayout *contentLayout_ = nullptr;
    QScrollArea *neuronScroll_ = nullptr;
    NeuronMaps *neurons_ = nullptr;

    std::shared_ptr<const BoundaryResult> shown_;
    strata::Project requestedProject_; // the model of the evaluation in flight
    strata::Project shownProject_;     // the model the shown result is of
    // For clicks: a probe of the shown model on the GUI thread (one point is cheap).
    std::unique_ptr<strata::Probe> clickProbe_;
    std::string clickProbeKey_;
    strata::SnapshotPtr clickWeights_;
    int redraws_ = 0;
    double lastCostMs_ = 0; // the last redraw's evaluation and upload, CPU time
};

} // namespace strata::ui
