#pragma once
// Evaluates the decision boundary of a model on its own thread, so the GUI only uploads the
// finished grid: a strata::Probe built once per model, the dataset loaded once per dataset,
// and for each request the model's output (and every hidden unit's) over a grid around the
// data plus its verdict on every sample. One request at a time: the panel sends the next
// after evaluated() came.

#include "strata/decision_boundary.h"
#include "strata/project.h"
#include "strata/weights_snapshot.h"

#include <QImage>
#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

class QThread;

namespace strata::ui {

struct BoundaryRequest
{
    strata::Project project;
    QString baseDir; // relative dataset paths start here
    // nullptr: no weights yet; only whether the model has 2 input features is checked.
    strata::SnapshotPtr snapshot;
    int cells = 100; // grid cells per side
};

struct BoundaryResult
{
    // Empty when the boundary was drawn; else what is wrong and what to do (a model without
    // 2 input features, a dataset that cannot be read, weights of another model).
    QString problem;
    strata::SnapshotPtr snapshot; // the weights evaluated
    bool untrained = false;       // the model fits, but there were no weights to evaluate
    strata::BoundaryGrid grid;
    std::vector<strata::BoundaryPoint> points; // training samples, then validation ones
    // The hidden nodes the neuron maps show, in order, with their names.
    std::vector<std::string> unitNodes;
    std::vector<QString> unitNames;
    // Per node, each unit's activation over the grid (x to the right, y up), blue below 0,
    // white at 0, orange above, scaled by the unit's largest magnitude: the neuron maps.
    std::vector<std::vector<QImage>> unitImages;
    double seconds = 0; // the worker thread's CPU time for the evaluation (set-up left out)
};

// The calling thread's CPU time: what work took from the machine, not how long it waited for
// a core.
double threadCpuSeconds();

class BoundaryEvaluator : public QObject
{
    Q_OBJECT

public:
    explicit BoundaryEvaluator(QObject *parent = nullptr);
    // Waits for the evaluation in flight, if any.
    ~BoundaryEvaluator() override;

    // Starts evaluating on the worker thread; evaluated() follows. False, and nothing
    // happens, while another request is in flight.
    bool request(BoundaryRequest request);
    bool isBusy() const { return busy_; }

signals:
    void evaluated(std::shared_ptr<const strata::ui::BoundaryResult> result);

private:
    class Worker;
    QThread *thread_ = nullptr;
    Worker *worker_ = nullptr;
    bool busy_ = false;
};

} // namespace strata::ui
