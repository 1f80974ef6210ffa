#include "strata/node_costs.h"

#include "optim/optimizer.h"
#include "strata/training_spec.h"

namespace strata {

namespace {

double elements(const Shape &shape)
{
    double n = 1;
    for (int64_t d : shape)
        n *= double(d);
    return shape.empty() ? 0.0 : n;
}

} // namespace

double trainingFlops(const NodeAnalysis &node, bool isInput, int64_t batchSize)
{
    return isInput ? 0.0 : double(node.flops) * double(batchSize) * (node.params > 0 ? 3 : 2);
}

double trainingFlops(const GraphAnalysis &analysis, int64_t batchSize)
{
    double total = 0;
    for (const NodeAnalysis &node : analysis.nodes)
        if (node.status == NodeStatus::Ok)
            total += trainingFlops(node, node.id == analysis.inputNode, batchSize);
    return total;
}

std::vector<NodeCost> estimateNodeCosts(const GraphAnalysis &analysis, int64_t batchSize,
                                        const OptimizerSpec &optimizer)
{
    constexpr double kFloat = sizeof(float);
    const double batch = double(batchSize);
    const double slots = double(optimizerSlotNames(optimizer).size());
    std::vector<NodeCost> costs;
    std::vector<double> work;
    for (const NodeAnalysis &node : analysis.nodes) {
        if (node.status != NodeStatus::Ok)
            continue;
        const bool input = node.id == analysis.inputNode;
        const double out = elements(node.output) * batch;
        double in = 0;
        for (const Shape &s : node.inputs)
            in += elements(s) * batch;
        const double params = double(node.params), trainable = double(node.trainableParams);
        NodeCost c;
        c.id = node.id;
        // As estimateTrainingMemory: the output and its gradient (the input batch has none),
        // the weights, their gradients and the optimizer's slots.
        c.bytes = kFloat * (out * (input ? 1 : 2) + params + trainable * (1 + slots));
        const double flops = trainingFlops(node, input, batchSize);
        const double moved =
            input ? kFloat * out
                  : kFloat * (2 * (in + out) + 2 * params + trainable * (3 + 2 * slots));
        work.push_back(flops + kEstimateFlopsPerByte * moved);
        costs.push_back(std::move(c));
    }
    double total = 0;
    for (double w : work)
        total += w;
    for (size_t i = 0; i < costs.size(); ++i)
        costs[i].share = total > 0 ? work[i] / total : 0.0;
    return costs;
}

std::vector<NodeCost> measuredNodeCosts(const ProfileReport &report)
{
    const double step = report.stepMs();
    std::vector<NodeCost> costs;
    for (const NodeProfile &n : report.nodes) {
        NodeCost c;
        c.id = n.id;
        c.measured = true;
        c.ms = n.totalMs();
        c.share = step > 0 ? c.ms / step : 0.0;
        c.bytes = n.memory.total();
        c.insideConsumer = n.insideConsumer;
        costs.push_back(std::move(c));
    }
    return costs;
}

} // namespace strata
