// Add and Concat on the GPU: Add is a copy and element-wise sums, Concat strided 2-D copies
// (one per input) between the {outer, block} inputs and the {outer, total} output.

#include "layers/merge/merge.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"

namespace strata::internal {

namespace {

class AddCuda final : public Kernel
{
public:
    explicit AddCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s)) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.copy(*in[0], out);
        for (size_t i = 1; i < in.size(); ++i)
            cuda_.accumulate(out, *in[i]);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        // d(a + b)/da = 1: every input receives the output gradient unchanged.
        for (Tensor *g : gin)
            if (g)
                cuda_.copy(gy, *g);
    }

private:
    CudaBackend &cuda_;
};

class ConcatCuda final : public Kernel
{
public:
    explicit ConcatCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s)), layout_(s.inputShapes) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        int64_t offset = 0;
        for (size_t i = 0; i < in.size(); ++i) {
            const int64_t block = layout_.blocks[i];
            copyRows(in[i]->data(), block, out.data() + offset, layout_.total, block);
            offset += block;
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        int64_t offset = 0;
        for (size_t i = 0; i < gin.size(); ++i) {
            const int64_t block = layout_.blocks[i];
            if (gin[i])
                copyRows(gy.data() + offset, layout_.total, gin[i]->data(), block, block);
            offset += block;
        }
    }

private:
    // `outer` rows of `width` floats between row pitches srcPitch and dstPitch (in floats).
    void copyRows(const float *src, int64_t srcPitch, float *dst, int64_t dstPitch, int64_t width)
    {
        checkCuda(cudaMemcpy2DAsync(dst, sizeof(float) * dstPitch, src, sizeof(float) * srcPitch,
                                    sizeof(float) * width, layout_.outer, cudaMemcpyDeviceToDevice,
                                    cuda_.stream()),
                  "Concat copy");
    }

    CudaBackend &cuda_;
    ConcatLayout layout_;
};

} // namespace

std::unique_ptr<Kernel> makeAddCuda(const KernelSetup &setup)
{
    return std::make_unique<AddCuda>(setup);
}

std::unique_ptr<Kernel> makeConcatCuda(const KernelSetup &setup)
{
    return std::make_unique<ConcatCuda>(setup);
}

} // namespace strata::internal
