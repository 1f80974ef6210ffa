#include "strata/probe.h"

#include "backends/host_backend.h"
#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/network.h"
#include "strata/project.h"

#include <set>

namespace strata {

void SnapshotMailbox::put(SnapshotPtr snapshot)
{
    std::lock_guard lock(mutex_);
    latest_ = std::move(snapshot);
}

SnapshotPtr SnapshotMailbox::take()
{
    std::lock_guard lock(mutex_);
    return std::exchange(latest_, nullptr);
}

Probe::Probe(const Graph &graph, LossKind loss, const std::string &device)
    : backend_(createBackend(device))
{
    // The seed only fills the weights until load(): a probe never shows them.
    network_ = std::make_unique<Network>(graph, *backend_, loss, InitConvention::Keras, 0);
    network_->keepEveryOutput();
    lastThread_ = std::this_thread::get_id(); // the backend set this thread up
}

Probe::Probe(const Project &project, const std::string &device)
    : Probe(project.graph, parseLossKind(project.training.loss), device)
{
}

Probe::~Probe() = default;

void Probe::load(SnapshotPtr snapshot)
{
    if (!snapshot)
        throw Error("No weights snapshot to load: wait for the trainer to publish one "
                    "(TrainerOptions::snapshotEvery)");
    loadWeights(snapshot->weights);
    snapshot_ = std::move(snapshot);
}

void Probe::loadWeights(const std::vector<std::pair<std::string, Tensor>> &weights)
{
    network_->loadWeights(weights);
    snapshot_.reset();
}

const Graph &Probe::graph() const
{
    return network_->graph();
}

LossKind Probe::loss() const
{
    return network_->loss();
}

Shape Probe::inputShape() const
{
    return network_->inputShape();
}

Shape Probe::outputShape() const
{
    return network_->outputShape();
}

std::string Probe::outputNode() const
{
    return network_->analysis().outputNode;
}

std::vector<std::string> Probe::hiddenUnitNodes() const
{
    const GraphAnalysis &a = network_->analysis();
    // The output's own layer is not hidden: walking back from the output through layers
    // without weights (its activation), the first layer with weights computes the output
    // units (the boundary itself), and it and everything after it are left out.
    std::set<std::string> output{a.outputNode};
    std::string at = a.outputNode;
    while (!at.empty() && at != a.inputNode) {
        output.insert(at);
        if (a.find(at)->params > 0)
            break;
        std::string before;
        int inputs = 0;
        for (const Edge &e : graph().edges())
            if (e.to.node == at) {
                before = e.from.node;
                ++inputs;
            }
        at = inputs == 1 ? before : std::string();
    }
    std::vector<std::string> out;
    for (const std::string &id : graph().topologicalOrder())
        if (id != a.inputNode && !output.count(id) && a.find(id)->output.size() == 1)
            out.push_back(id);
    return out;
}

std::string Probe::resolveNode(const std::string &idOrName) const
{
    if (graph().find(idOrName))
        return idOrName;
    std::string found;
    for (const Node &n : graph().nodes()) {
        if (n.name != idOrName)
            continue;
        if (!found.empty())
            throw Error("Several nodes are named '" + idOrName + "': ask for one by its id ('" +
                        found + "', '" + n.id + "')");
        found = n.id;
    }
    if (found.empty())
        throw Error("The model has no node with the id or name '" + idOrName.substr(0, 80) +
                    "': ask for one of its nodes");
    return found;
}

void Probe::forward(const Tensor &inputs)
{
    const Shape want = inputShape();
    const Shape &got = inputs.shape();
    if (got.size() != want.size() + 1 || Shape(got.begin() + 1, got.end()) != want || got[0] < 1)
        throw Error("The probe's inputs are " + toString(got) + " but the model takes N×" +
                    toString(want) + ": pass a batch of samples of the model's input shape");
    if (std::this_thread::get_id() != lastThread_) {
        // OpenMP's thread count and the denormal flush are set per thread.
        internal::applyCpuThreads();
        lastThread_ = std::this_thread::get_id();
    }
    network_->evaluate(inputs);
}

std::map<std::string, Tensor> Probe::evaluate(const Tensor &inputs,
                                              const std::vector<std::string> &nodes)
{
    std::map<std::string, Tensor> outputs;
    probabilities(inputs, nodes, outputs);
    return outputs;
}

Tensor Probe::probabilities(const Tensor &inputs)
{
    std::map<std::string, Tensor> none;
    return probabilities(inputs, {}, none);
}

Tensor Probe::probabilities(const Tensor &inputs, const std::vector<std::string> &nodes,
                            std::map<std::string, Tensor> &outputs)
{
    std::vector<std::string> ids;
    for (const std::string &n : nodes)
        ids.push_back(resolveNode(n)); // before the pass: an unknown node costs nothing
    forward(inputs);
    outputs.clear();
    for (size_t i = 0; i < nodes.size(); ++i)
        outputs[nodes[i]] = network_->nodeOutput(ids[i]);
    return network_->probabilities();
}

} // namespace strata
