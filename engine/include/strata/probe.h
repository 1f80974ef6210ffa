#pragma once
// Probes: a model evaluated in inference mode on any batch of inputs, returning the output of
// any node. A probe owns an inference network of its own, built once from the model, and
// evaluates on weights it was given (a trainer's WeightsSnapshot or a weights file), never on
// a network being trained: it touches no weights, optimizer state, RNG stream or data position
// of a run. The decision boundary, neuron maps, the inference panel and activation views all
// evaluate through it.
//
// A Probe is used by one thread at a time (it may be a different thread from call to call).

#include "strata/graph.h"
#include "strata/tensor.h"
#include "strata/training_spec.h"
#include "strata/weights_snapshot.h"

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace strata {

class Backend;
class Network;
struct Project;

class Probe
{
public:
    // Compiles the graph for inference on a backend of its own ("cpu" by default; see
    // createBackend), with freshly initialised weights until load() is called. Throws
    // Error/ShapeError when the graph cannot compile, BackendError for a missing device.
    Probe(const Graph &graph, LossKind loss, const std::string &device = "cpu");
    // The project's graph and loss.
    explicit Probe(const Project &project, const std::string &device = "cpu");
    ~Probe();
    Probe(const Probe &) = delete;
    Probe &operator=(const Probe &) = delete;

    // Evaluates on these weights from now on. Throws Error naming a weight that is missing
    // or has another shape (weights of another model); the weights in use are then unchanged.
    void load(SnapshotPtr snapshot);
    void loadWeights(const std::vector<std::pair<std::string, Tensor>> &weights);
    // The snapshot in use (nullptr before load(snapshot), or after loadWeights).
    const SnapshotPtr &snapshot() const { return snapshot_; }

    const Graph &graph() const;
    LossKind loss() const;
    Shape inputShape() const;       // per sample
    Shape outputShape() const;      // per sample
    std::string outputNode() const; // the id of the model's output node
    // The ids of the nodes between the input and the output whose output is a flat vector of
    // units (Dense layers and their activations), in topological order: the neuron maps. The
    // output's own layer (the last layer with weights before the output, and its activation)
    // is not among them: its units are the model's answer.
    std::vector<std::string> hiddenUnitNodes() const;
    // The id of a node given its id or its name. Throws Error when no node has it, or when
    // several nodes carry that name.
    std::string resolveNode(const std::string &idOrName) const;

    // Inference on inputs {N, inputShape...} (host): each requested node's (id or name)
    // output, host {N, shape...}, keyed by the name as asked. Throws Error for an unknown
    // node or inputs of another shape.
    std::map<std::string, Tensor> evaluate(const Tensor &inputs,
                                           const std::vector<std::string> &nodes);
    // Inference on inputs: class probabilities {N, K} as Network::probabilities gives them
    // (softmax or sigmoid applied where the model ends without it; the raw output under mse).
    Tensor probabilities(const Tensor &inputs);
    // Both in one forward pass: probabilities, and the requested nodes' outputs.
    Tensor probabilities(const Tensor &inputs, const std::vector<std::string> &nodes,
                         std::map<std::string, Tensor> &outputs);

private:
    void forward(const Tensor &inputs);

    std::unique_ptr<Backend> backend_;
    std::unique_ptr<Network> network_;
    SnapshotPtr snapshot_;
    std::thread::id lastThread_;
};

} // namespace strata
