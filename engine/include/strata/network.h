#pragma once
// A graph compiled for one backend: topological order, weights allocated and initialised
// once, and per batch size an execution plan whose buffers and kernels are created once and
// reused for every batch.

#include "strata/backend.h"
#include "strata/graph.h"
#include "strata/parameter.h"
#include "strata/rng.h"
#include "strata/shape_inference.h"
#include "strata/training_spec.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace strata {

class Kernel; // engine/src/core/kernel.h
namespace internal {
class Profiler; // engine/src/core/profiler.h
}

// "keras": Glorot-uniform kernels, zero biases; "pytorch": Kaiming-uniform weights and
// fan-in-uniform biases (each framework's default).
enum class InitConvention { Keras, PyTorch };
InitConvention parseInitConvention(const std::string &text); // throws Error

class Network
{
public:
    // Throws ShapeError/Error listing every problem when the graph cannot train (analysis
    // not ok), or BackendError when the backend cannot run one of its layers.
    Network(const Graph &graph, Backend &backend, LossKind loss, InitConvention init,
            uint64_t seed);
    ~Network();
    Network(const Network &) = delete;
    Network &operator=(const Network &) = delete;

    const Graph &graph() const { return graph_; }
    const GraphAnalysis &analysis() const { return analysis_; }
    Backend &backend() { return backend_; }
    Shape inputShape() const;  // per sample
    Shape outputShape() const; // per sample
    LossKind loss() const { return loss_; }
    // The precision the layers compute in (fp32 unless set). Throws BackendError with the
    // backend's reason when it cannot compute in `precision` natively (see
    // Backend::precisionRefusal). Plans built before are dropped and rebuilt on next use.
    void setPrecision(Precision precision);
    Precision precision() const { return precision_; }

    // Whoever asks for the parameters to change them makes any bf16 copies of them stale.
    std::vector<Parameter> &parameters()
    {
        weightsChanged_ = true;
        return params_;
    }
    const std::vector<Parameter> &parameters() const { return params_; }

    // One training step's compute: forward in training mode, the loss, and every gradient
    // (but those left to fused updates, below). x: host {N, inputShape...}; labels: host {N}.
    // Does not update weights.
    void trainStep(const Tensor &x, const Tensor &labels);
    // Plain SGD's update of a large Dense weight done by its kernel in one GEMM from the
    // step's saved operands, instead of from a gradient (see Kernel::setFusedUpdateAllowed).
    // Off by default; the trainer turns it on for SGD without momentum, and off for a step
    // whose gradients someone reads (the parameter statistics' last batch of an epoch). While
    // on, trainStep leaves such a weight's gradient unwritten where it is proven finite.
    void setFusedUpdates(bool on) { fusedUpdates_ = on; }
    // Applies parameter `index`'s SGD update when the last trainStep left it to its kernel and
    // returns true; false otherwise (the optimizer then updates it from its gradient).
    bool applyFusedUpdate(size_t index, float lr, float weightDecay);
    // Restores what the last trainStep changed besides gradients (BatchNorm's running
    // statistics), for the NaN guard: a step that is not applied leaves no trace.
    void revertStepState();
    // Forward in inference mode; adds to the loss totals when labels are given.
    void evaluate(const Tensor &x, const Tensor *labels = nullptr);
    // Loss sum, correct count and sample count since the last call.
    LossTotals takeTotals();
    // The last forward's outputs as class probabilities on the host ({N, K}): softmax or
    // sigmoid is applied when the model ends without it and the loss implies it.
    Tensor probabilities();
    // True when every gradient of a trainable parameter is finite.
    bool gradientsFinite();
    // The same check without a wait: notes on the backend whether a gradient of the last
    // trainStep is non-finite (Backend::noteNonFinite; read with Backend::takeNonFinite).
    void noteNonFiniteGradients();
    // A copy on the backend's device of every parameter's value, and putting it back. On a
    // device the NaN/Inf guard answers a few steps late; the trainer keeps the weights after
    // each clean answer and restores them when an answer is not clean.
    void keepWeights();
    void restoreKeptWeights();

    // Builds every plan so that each node's output is computed in its own buffer in the plain
    // layout (no activation runs inside its consumer, no blocked layouts), so nodeOutput can
    // read any node. For probes; training networks keep the faster plans.
    void keepEveryOutput();
    // A host copy {N, shape...} of a node's (id's) output in the last forward. Throws Error
    // when no forward has run, the node does not exist, or the plan did not keep its output
    // (call keepEveryOutput first).
    Tensor nodeOutput(const std::string &nodeId);

    // Weights by name, host copies (for files), and back.
    std::vector<std::pair<std::string, Tensor>> weightsToHost() const;
    // Copies matching weights in; throws Error naming a missing or mis-shaped weight (and then
    // copies none).
    void loadWeights(const std::vector<std::pair<std::string, Tensor>> &weights);

    Rng &dropoutRng() { return dropoutRng_; }

    // The channel block a node's output has in the plan for this batch size (1: plain; see
    // LayoutUse). For tests and profiling.
    int64_t channelBlock(const std::string &nodeId, int64_t batch);
    // True when the plan for this batch size runs the node inside its consumer's kernel (a
    // ReLU absorbed by max pooling; see LayerImpl::absorbsRelu). For tests and profiling.
    bool runsInsideConsumer(const std::string &nodeId, int64_t batch);

    // What the plan for a batch size holds per node, in topological order (for profiling).
    struct NodePlan
    {
        std::string id;
        std::string consumer;       // the node whose kernel runs this one (runsInsideConsumer)
        std::string kernel;         // the implementation (see NodeProfile::kernel); empty inside
        int64_t outputBytes = 0;    // its output
        int64_t gradientBytes = 0;  // its output's gradient and per-port gradient buffers
        int64_t workspaceBytes = 0; // what its kernel keeps besides (Kernel::workspaceBytes)
    };
    std::vector<NodePlan> describePlan(int64_t batch);
    // The topological index (as in describePlan) of each parameter's node.
    std::vector<int> parameterNodes() const;
    // Engine internal (see strata/profile.h): trainStep reports each node's passes to the
    // profiler; null (the default) turns profiling off. The profiler must outlive its use.
    void setProfiler(internal::Profiler *profiler) { profiler_ = profiler; }

private:
    struct Plan;
    Plan &planFor(int64_t batch);
    size_t stepIndex(const Plan &plan, const std::string &nodeId) const; // throws Error
    // The batch (and labels) into the plan's Input and label buffers.
    void copyIn(Plan &plan, const Tensor &x, const Tensor *labels, internal::Profiler *profiler);
    void runForward(Plan &plan, bool training, internal::Profiler *profiler);
    std::vector<bool> blockableOutputs(const Plan &plan) const;
    void absorbActivations(Plan &plan) const;
    std::vector<const Tensor *> uncheckedGradients() const;
    // The RunContext::weightsVersion for a forward pass (see there): 0 in fp32; in bf16 a new
    // value for each training step and after the weights may have changed.
    uint64_t weightsVersionFor(bool training);

    Graph graph_;
    Backend &backend_;
    LossKind loss_;
    GraphAnalysis analysis_;
    std::vector<std::string> order_;
    std::vector<Parameter> params_;
    std::map<std::string, std::vector<size_t>> nodeWeights_; // node id → indices in params_
    std::map<int64_t, std::unique_ptr<Plan>> plans_;
    std::vector<std::pair<size_t, Tensor>> stateBackup_; // non-trainable params before a step
    std::vector<Tensor> kept_;                           // keepWeights' copies
    Plan *last_ = nullptr;
    Plan *lastTrained_ = nullptr; // the plan of the last trainStep, for gradientsFinite
    bool fused_ = false;
    bool fusedUpdates_ = false;               // setFusedUpdates
    std::map<size_t, Kernel *> pendingFused_; // parameter → kernel, last trainStep
    bool everyOutput_ = false;                // keepEveryOutput
    Rng dropoutRng_;
    internal::Profiler *profiler_ = nullptr;
    Precision precision_ = Precision::Fp32;
    uint64_t weightsVersion_ = 0;
    bool weightsChanged_ = true; // since weightsVersion_ was last given out
};

} // namespace strata
