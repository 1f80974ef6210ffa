#pragma once
// A kernel runs one node's forward and backward pass on one backend for one batch size. It is
// created once per compiled network and reused for every batch.

#include "strata/rng.h"
#include "strata/tensor.h"

#include <string>
#include <vector>

namespace strata {

namespace internal {
class Profiler; // core/profiler.h
}

struct RunContext
{
    bool training = false;
    Rng *rng = nullptr; // for Dropout; the network's dropout stream
    // Set while profiling: a kernel times its layout reorders as spans of node `node` (see
    // internal::ProfileSpan); null otherwise.
    internal::Profiler *profiler = nullptr;
    int node = -1;
    // Which values the weights hold: the network changes it whenever they may have changed
    // (each training step, loading, restoring), so a kernel that keeps a converted copy of
    // its weights (bf16) converts once per value, not per pass. 0: unknown, convert per call.
    uint64_t weightsVersion = 0;
};

class Kernel
{
public:
    virtual ~Kernel() = default;
    // Writes output from inputs (one per input port).
    virtual void forward(const std::vector<const Tensor *> &inputs, Tensor &output,
                         const RunContext &ctx) = 0;
    // Given dL/d(output), overwrites dL/d(input) for every non-null gradInputs entry and
    // overwrites the weight gradients given at setup. Called after forward on the same batch.
    virtual void backward(const std::vector<const Tensor *> &inputs, const Tensor &output,
                          const Tensor &gradOutput, const std::vector<Tensor *> &gradInputs,
                          const RunContext &ctx) = 0;
    // The channel block of the output it writes and of the output gradient it reads (1:
    // plain; see LayoutUse in core/layer_impl.h).
    virtual int64_t outputBlock() const { return 1; }
    // After backward: true when the kernel has proved, from bounds on what it read, that the
    // weight gradients it wrote are finite, so the NaN/Inf guard need not read them (a large
    // Dense layer's, tens of MB). False when not proved: the guard then checks them.
    virtual bool weightGradientsProvenFinite() const { return false; }
    // Plain SGD fused into the weight gradient's GEMM (Network::setFusedUpdates): while
    // allowed, a backward whose weight gradient is proven finite may leave it unwritten, keep
    // its operands, and say so with fusedUpdatePending(); applyFusedSgd then updates the
    // weight itself: w <- (1 - lr*wd)*w - lr*dL/dw, one GEMM into the weight instead of a
    // gradient written, read and added (a large Dense layer's 38 MB, three times per step).
    // Kernels without one ignore it. The bias and other weights keep their gradients.
    virtual void setFusedUpdateAllowed(bool) {}
    virtual bool fusedUpdatePending() const { return false; }
    virtual void applyFusedSgd(float /*lr*/, float /*weightDecay*/) {}
    // For the profiler: the implementation that runs the passes (oneDNN's implementation
    // names, the cuDNN algorithms); empty for Strata's own code.
    virtual std::string implementation() const { return {}; }
    // For the profiler: bytes the kernel keeps besides the network's tensors (layout copies,
    // pooling workspaces, scratch).
    virtual int64_t workspaceBytes() const { return 0; }
};

} // namespace strata
