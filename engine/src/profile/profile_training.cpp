// profileTraining: a short training run with the profiler attached to the network and the
// optimizer, and the report built from what it recorded and what the plan holds.

#include "strata/profile.h"

#include "core/profiler.h"
#include "data/synthetic_data.h"
#include "optim/optimizer.h"
#include "profile/profile_report.h"
#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/network.h"
#include "strata/project_check.h"
#include "train/cpu_threads.h"

#include <algorithm>
#include <memory>

namespace strata {

namespace {

// Distinct batches the steps cycle through: enough that the data is not all in cache, few
// enough to load fast.
constexpr int64_t kPoolBatches = 8;

void checkOptions(const ProfileOptions &o)
{
    if (o.steps < 1 || o.steps > 100000)
        throw Error("The profile needs 1 to 100000 measured steps, not " + std::to_string(o.steps));
    if (o.warmup < 0 || o.warmup > 100000)
        throw Error("The warm-up takes 0 to 100000 steps, not " + std::to_string(o.warmup));
    if (o.batchSize < 0)
        throw Error("The batch size must be at least 1 (or 0: the project's), not " +
                    std::to_string(o.batchSize));
}

// The project's training samples (its first few batches' worth), checked against the model
// as the trainer checks them.
Dataset projectData(const Project &project, const std::string &baseDir, const Network &net,
                    int64_t samples)
{
    DatasetSpec spec = project.dataset;
    spec.limit = spec.limit > 0 ? std::min(spec.limit, samples) : samples;
    spec.testLimit = 1; // not used
    Dataset data = loadDataset(spec, baseDir).train;
    if (data.size() == 0)
        throw Error("The training set is empty");
    const Node *output = project.graph.find(net.analysis().outputNode);
    if (auto problem = datasetMismatch(net.analysis(), {data.sampleShape, data.classCount()},
                                       net.loss(), output ? output->type : std::string()))
        throw Error(problem->message);
    return data;
}

} // namespace

const char *phaseName(ProfilePhase phase)
{
    switch (phase) {
    case ProfilePhase::DataCopy:
        return "data copy";
    case ProfilePhase::Forward:
        return "forward";
    case ProfilePhase::Reorder:
        return "layout reorder";
    case ProfilePhase::Loss:
        return "loss";
    case ProfilePhase::Backward:
        return "backward";
    case ProfilePhase::Update:
        return "optimizer update";
    }
    return "?";
}

double NodeProfile::totalMs() const
{
    double sum = 0;
    for (double v : ms)
        sum += v;
    return sum;
}

double NodeProfile::forwardGflops() const
{
    const double fwd = phaseMs(ProfilePhase::Forward);
    return fwd > 0 && flops > 0 ? flops / (fwd * 1e6) : 0.0;
}

double ProfileReport::stepMs() const
{
    double sum = 0;
    for (const ProfileStep &s : steps)
        sum += s.durationUs;
    return steps.empty() ? 0.0 : sum / double(steps.size()) / 1000.0;
}

double ProfileReport::nodesMs() const
{
    double sum = 0;
    for (const NodeProfile &n : nodes)
        sum += n.totalMs();
    return sum;
}

double ProfileReport::phaseMs(ProfilePhase phase) const
{
    double sum = 0;
    for (const NodeProfile &n : nodes)
        sum += n.phaseMs(phase);
    return sum;
}

ProfileReport profileTraining(const Project &project, const std::string &baseDir,
                              const ProfileOptions &options)
{
    checkOptions(options);
    const TrainingSpec &spec = project.training;
    const int64_t batch = options.batchSize > 0 ? options.batchSize : spec.batchSize;

    // As the trainer builds its run: threads, backend, network, data, optimizer.
    setCpuThreads(options.threads >= 0 ? options.threads : spec.threads);
    std::unique_ptr<Backend> backend =
        createBackend(options.device.empty() ? spec.device : options.device);
    Network net(project.graph, *backend, parseLossKind(spec.loss), parseInitConvention(spec.init),
                spec.seed);
    net.setPrecision(parsePrecision(spec.precision)); // the project's, as training computes
    if (options.threads < 0 && spec.threads == 0)
        setCpuThreads(internal::automaticCpuThreads(net.analysis(), batch));
    const Dataset data = options.syntheticData
                             ? internal::syntheticData(net, batch * kPoolBatches, spec.seed + 7)
                             : projectData(project, baseDir, net, batch * kPoolBatches);
    std::unique_ptr<Optimizer> optimizer =
        makeOptimizer(spec.optimizer, *backend, net.parameters());

    // Batches in order, round the (possibly smaller) set.
    std::vector<int64_t> order(static_cast<size_t>(batch * kPoolBatches));
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int64_t>(i) % data.size();
    Tensor x, y;
    int64_t next = 0;
    const auto step = [&](internal::Profiler *profiler) {
        data.gather(order, next * batch, batch, x, y);
        next = (next + 1) % kPoolBatches;
        if (profiler)
            profiler->beginStep();
        // The trainer's step: the NaN/Inf guard without a wait on a device, with one here.
        net.trainStep(x, y);
        if (backend->readsWait()) {
            net.noteNonFiniteGradients();
        } else {
            net.takeTotals();
            net.gradientsFinite();
        }
        optimizer->step();
        if (profiler)
            profiler->endStep();
    };
    for (int s = 0; s < options.warmup; ++s)
        step(nullptr);

    internal::Profiler profiler(backend->createClock(),
                                static_cast<int>(net.graph().nodes().size()), net.parameterNodes());
    net.setProfiler(&profiler);
    optimizer->setProfiler(&profiler);
    try {
        for (int s = 0; s < options.steps; ++s)
            step(&profiler);
    } catch (...) {
        net.setProfiler(nullptr);
        optimizer->setProfiler(nullptr);
        throw;
    }
    net.setProfiler(nullptr);
    optimizer->setProfiler(nullptr);

    ProfileReport report = internal::buildProfileReport(net, *optimizer, *backend, profiler, batch);
    report.project = project.name;
    report.warmup = options.warmup;
    return report;
}

} // namespace strata
