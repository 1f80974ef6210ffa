// Flatten: C×H×W (or any shape) to one feature vector in row-major order, so Dense can follow
// a convolution. The data do not move in memory; the kernel copies them because the network
// gives every node its own output buffer, and a copy this size is cheap next to the layers
// around it.

#include "layers/flatten/flatten.h"
#include "core/layer_impl.h"
#include "layers/layer_util.h"

namespace strata::internal {

#ifdef STRATA_WITH_CUDA
std::unique_ptr<Kernel> makeFlattenCuda(const KernelSetup &setup); // flatten_cuda.cpp
#endif

namespace {

class FlattenKernel final : public Kernel
{
public:
    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        copyTensor(*in[0], out);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (gin[0])
            copyTensor(gy, *gin[0]);
    }
};

} // namespace

void registerFlatten(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Flatten";
    t.category = "Core";
    t.help = "Lays an image C×H×W out as one feature vector (row-major), e.g. before Dense";
    t.inferShape = [](const Node &, const nlohmann::json &, const std::vector<Shape> &in) {
        return ShapeInfo{{numel(in[0])}, 0};
    };
    // A copy has no faster form: both backends share the one kernel.
    auto factory = [](const KernelSetup &) { return std::make_unique<FlattenKernel>(); };
    t.kernels["cpu"] = factory;
    t.kernels["reference"] = factory;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeFlattenCuda;
#endif
    t.code = flattenCode;
    t.onnx = flattenToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
