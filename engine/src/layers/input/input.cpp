// Input: where samples enter the model. Its shape is the sample shape (batch excluded); the
// trainer checks it against the dataset.

#include "layers/input/input.h"
#include "core/layer_impl.h"
#include "layers/layer_util.h"

namespace strata::internal {

namespace {

class InputKernel final : public Kernel
{
public:
    // The network writes the batch straight into this node's output buffer.
    void forward(const std::vector<const Tensor *> &, Tensor &, const RunContext &) override {}
    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &,
                  const std::vector<Tensor *> &, const RunContext &) override
    {
    }
    std::string implementation() const override { return "batch copy"; }
};

} // namespace

void registerInput(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Input";
    t.category = "Core";
    t.help = "Where samples enter the model: channels × height × width, or features";
    t.params = {
        intParam("channels", 0, 0, 4096, "Image channels (1 grey, 3 colour); 0 for feature vectors",
                 "not used (features)"),
        intParam("height", 0, 0, 8192, "Image height in pixels; 0 for feature vectors",
                 "not used (features)"),
        intParam("width", 0, 0, 8192, "Image width in pixels; 0 for feature vectors",
                 "not used (features)"),
        intParam("features", 2, 0, 1 << 24, "Number of features when the sample is a vector",
                 "not used (image)"),
    };
    t.inputCount = [](const nlohmann::json &) { return 0; };
    t.unusedParams = [](const nlohmann::json &p) {
        const bool image =
            intOf(p, "channels") > 0 || intOf(p, "height") > 0 || intOf(p, "width") > 0;
        return image ? std::vector<std::string>{"features"}
                     : std::vector<std::string>{"channels", "height", "width"};
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &) {
        const int64_t c = intOf(p, "channels"), h = intOf(p, "height"), w = intOf(p, "width");
        if (c > 0 || h > 0 || w > 0) {
            if (c <= 0 || h <= 0 || w <= 0)
                throw ShapeError(node.id, describe(node) +
                                              ": set channels, height and width all above 0 "
                                              "for images, or all to 0 for feature vectors");
            return ShapeInfo{{c, h, w}, 0};
        }
        const int64_t f = intOf(p, "features");
        if (f <= 0)
            throw ShapeError(node.id, describe(node) + ": features must be at least 1");
        return ShapeInfo{{f}, 0};
    };
    auto factory = [](const KernelSetup &) { return std::make_unique<InputKernel>(); };
    t.kernels["cpu"] = factory;
    t.kernels["reference"] = factory;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = factory; // the network copies the batch in; nothing to compute
#endif
    t.code = inputCode;
    t.onnx = inputToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
