#pragma once
// The engine profiler: where a training step's time and memory go, per node. A profile
// trains a project for a few warm-up steps, then for a number of measured steps during which
// every node's forward and backward pass, its layout reorders, the loss, the copy of the batch
// to the device and the optimizer update of its weights are timed (on the CPU a steady clock
// around each kernel; on a CUDA device events on its stream, read once per step), and reports
// per node the mean time of each phase, the bytes it holds and the kernel that runs it.
//
// Profiling is off unless asked for: a network without a profiler pays a null-pointer test
// per node and pass (engine/src/core/profiler.h). The measured steps are the trainer's own (the batch copy, the forward
// and backward passes, the loss, the NaN/Inf guard, the optimizer update); the weights change
// as in training, but nothing is written.

#include "strata/memory.h"
#include "strata/project.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace strata {

// The phases of a step a node's time is counted in. A layout reorder runs inside its node's
// forward or backward pass, and its time is counted as a reorder only (not twice).
enum class ProfilePhase { DataCopy, Forward, Reorder, Loss, Backward, Update };
inline constexpr int kProfilePhases = 6;
// "data copy", "forward", "layout reorder", "loss", "backward", "optimizer update".
const char *phaseName(ProfilePhase phase);

struct ProfileOptions
{
    int steps = 20;             // measured steps (>= 1)
    int warmup = 5;             // steps before the measured ones (>= 0): kernels, caches, clocks
    std::string device;         // "cpu", "cuda", "cuda:N"; empty: the project's
    int64_t batchSize = 0;      // 0: the project's
    int threads = -1;           // CPU threads; -1: as training would use (the project's, or the
                                // trainer's automatic choice)
    bool syntheticData = false; // random inputs and labels instead of the project's dataset
};

// Bytes a node holds while training, as the engine allocated them (fp32).
struct NodeMemory
{
    double activations = 0;         // its output for one batch
    double activationGradients = 0; // the gradient of its output (and per-port gradient
                                    // buffers where an input feeds several layers)
    double weights = 0;             // its parameters, trainable or not
    double weightGradients = 0;     // one per trainable parameter
    double optimizer = 0;           // the optimizer's state for its parameters
    double workspace = 0; // what its kernel keeps besides: layout copies, pooling workspaces,
                          // scratch (oneDNN's scratchpad: the largest its primitives ask for)
    double total() const
    {
        return activations + activationGradients + weights + weightGradients + optimizer +
               workspace;
    }
};

struct NodeProfile
{
    std::string id, name, type;
    // The implementation that runs it: oneDNN's ("brg:avx512_core", "jit:avx512_core",
    // "ref"; each pass's when they differ), the cuDNN algorithms, "strata" for Strata's own
    // loops and device kernels, "reference" on the reference backend; empty for a node that
    // runs inside its consumer.
    std::string kernel;
    // Runs inside its consumer's kernel (a ReLU that max pooling applies): no time of its own,
    // no buffers; `consumer` names the node whose times include it.
    bool insideConsumer = false;
    std::string consumer;
    std::array<double, kProfilePhases> ms{}; // mean per measured step, by ProfilePhase
    double flops = 0;                        // forward FLOPs for the batch, from shape inference
    NodeMemory memory;

    double phaseMs(ProfilePhase phase) const { return ms[static_cast<size_t>(phase)]; }
    double totalMs() const;
    // The forward pass's achieved rate: flops / forward time (0 when either is 0).
    double forwardGflops() const;
};

// One timed span of one measured step, on the profile's timeline (microseconds from the start
// of the first measured step). Reorders nest inside their node's forward or backward span.
struct ProfileEvent
{
    int node = 0; // index in ProfileReport::nodes
    ProfilePhase phase = ProfilePhase::Forward;
    int step = 0; // 0-based measured step
    double startUs = 0, durationUs = 0;
};

struct ProfileStep
{
    double startUs = 0, durationUs = 0;
};

struct ProfileReport
{
    std::string project;
    std::string device; // the backend's description
    std::string clock;  // "steady clock" or "CUDA events"
    int threads = 0;    // CPU threads (0 on a device)
    int64_t batchSize = 0;
    int warmup = 0;
    // A live profile of a training run (TrainerOptions::onProfile): the epoch and batch
    // (0-based) of its last measured step; -1 for profileTraining's.
    int epoch = -1, batch = -1;
    std::vector<NodeProfile> nodes; // in the model's (topological) order
    std::vector<ProfileStep> steps; // each measured step
    std::vector<ProfileEvent> events;
    NodeMemory memory;       // the nodes' sum
    TrainingMemory estimate; // estimateTrainingMemory's figure at this batch size

    // The mean measured step, and the part of it no node's phase covers (the NaN/Inf guard,
    // the loss totals, bookkeeping between kernels).
    double stepMs() const;
    double nodesMs() const; // the nodes' times summed
    double outsideNodesMs() const { return stepMs() - nodesMs(); }
    double phaseMs(ProfilePhase phase) const; // summed over the nodes
};

// Trains `project` (its dataset's first batches, relative paths against baseDir; or synthetic
// data) for options.warmup + options.steps steps and reports the measured ones. Throws
// ProjectError/DatasetError/ShapeError/BackendError as training would, and Error for options
// out of range.
ProfileReport profileTraining(const Project &project, const std::string &baseDir,
                              const ProfileOptions &options);

// The report as text, PyTorch profiler's key_averages().table() style: the nodes sorted by
// time (name, type, forward, backward, reorder and update ms, share of the step, forward
// GFLOP/s, memory, kernel), then totals per phase, the step time and the memory.
std::string formatProfileTable(const ProfileReport &report);

// The report's events in the Chrome trace event format (JSON with "traceEvents": one "X"
// complete event per measured step, and per node and phase within it, with ts and dur in
// microseconds), which Perfetto and chrome://tracing open.
std::string chromeTraceJson(const ProfileReport &report);
// Writes chromeTraceJson to `path` atomically; throws Error naming the path.
void writeChromeTrace(const ProfileReport &report, const std::string &path);

} // namespace strata
