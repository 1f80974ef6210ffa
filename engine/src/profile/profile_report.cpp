// buildProfileReport: the report of what a Profiler recorded, from the plan, the parameters
// and the recorder.

#include "profile/profile_report.h"

#include "core/profiler.h"
#include "optim/optimizer.h"
#include "strata/backend.h"
#include "strata/network.h"
#include "train/cpu_threads.h"

#include <algorithm>

namespace strata::internal {

namespace {

// The measured figures of one node, from the plan, the parameters and the recorder.
NodeProfile nodeProfile(const Network &net, const Network::NodePlan &plan,
                        const std::vector<size_t> &params, const Optimizer &optimizer,
                        int64_t batch)
{
    constexpr double kFloat = sizeof(float);
    const Node &node = *net.graph().find(plan.id);
    NodeProfile n;
    n.id = node.id;
    n.name = node.name.empty() ? node.id : node.name;
    n.type = node.type;
    n.kernel = plan.kernel;
    n.consumer = plan.consumer;
    n.insideConsumer = !plan.consumer.empty();
    n.flops = double(net.analysis().find(node.id)->flops) * double(batch);
    n.memory.activations = double(plan.outputBytes);
    n.memory.activationGradients = double(plan.gradientBytes);
    n.memory.workspace = double(plan.workspaceBytes);
    for (size_t i : params) {
        const Parameter &p = net.parameters()[i];
        n.memory.weights += double(p.value.numel()) * kFloat;
        if (p.trainable)
            n.memory.weightGradients += double(p.grad.numel()) * kFloat;
        for (const Tensor &slot : optimizer.slots(i))
            n.memory.optimizer += double(slot.numel()) * kFloat;
    }
    return n;
}

} // namespace

ProfileReport buildProfileReport(Network &net, const Optimizer &optimizer, const Backend &backend,
                                 const Profiler &profiler, int64_t batch)
{
    ProfileReport report;
    report.device = backend.description();
    report.clock = profiler.clockName();
    report.threads = backend.device().kind == DeviceKind::Cpu ? cpuThreads() : 0;
    report.batchSize = batch;
    report.steps = profiler.stepTimes();
    report.events = profiler.events();
    report.estimate = estimateTrainingMemory(net.analysis(), batch, optimizer.spec());

    const std::vector<Network::NodePlan> plan = net.describePlan(batch);
    std::vector<std::vector<size_t>> params(plan.size());
    const std::vector<int> owners = net.parameterNodes();
    for (size_t i = 0; i < owners.size(); ++i)
        if (owners[i] >= 0)
            params[static_cast<size_t>(owners[i])].push_back(i);
    const double steps = double(std::max(1, profiler.steps()));
    for (size_t i = 0; i < plan.size(); ++i) {
        NodeProfile n = nodeProfile(net, plan[i], params[i], optimizer, batch);
        for (size_t ph = 0; ph < n.ms.size(); ++ph)
            n.ms[ph] = profiler.ownTimes()[i][ph] / steps / 1000.0;
        report.memory.activations += n.memory.activations;
        report.memory.activationGradients += n.memory.activationGradients;
        report.memory.weights += n.memory.weights;
        report.memory.weightGradients += n.memory.weightGradients;
        report.memory.optimizer += n.memory.optimizer;
        report.memory.workspace += n.memory.workspace;
        report.nodes.push_back(std::move(n));
    }
    return report;
}

} // namespace strata::internal
