// Gemm and MatMul as Dense (weights kept {units, inputs}).

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

namespace strata::internal {

namespace {

Tensor transposed(const Tensor &m)
{
    const int64_t rows = m.dim(0), cols = m.dim(1);
    Tensor t({cols, rows});
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            t.data()[c * rows + r] = m.data()[r * cols + c];
    return t;
}

} // namespace

void OnnxImporter::convertGemm(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const Tensor &b = floatInput(n, 1, "weight (input B)");
    if (x.onnxShape.size() != 1)
        fail(n, "multiplies a " + toString(x.onnxShape) +
                    " input; Strata's Dense takes flat inputs (insert Flatten before it)");
    if (attrInt(n, "transA", 0) != 0)
        fail(n, "transposes its input (transA = 1); Strata's Dense does not");
    if (attrFloat(n, "alpha", 1.0f) != 1.0f || attrFloat(n, "beta", 1.0f) != 1.0f)
        fail(n, "scales its result (alpha or beta other than 1); Strata's Dense does not");
    if (b.rank() != 2)
        fail(n, "has a weight of rank " + std::to_string(b.rank()) + "; Dense needs 2");
    // Dense keeps {units, inputs}: Gemm's B with transB = 1, or B transposed.
    const Tensor weight = attrInt(n, "transB", 0) ? b : transposed(b);
    const int64_t units = weight.dim(0);
    std::vector<std::pair<std::string, Tensor>> weights{{"weight", weight}};
    if (hasInput(n, 2)) {
        const Tensor &c = floatInput(n, 2, "bias (input C)");
        Tensor bias({units});
        if (c.numel() == 1)
            bias.fill(c.data()[0]); // broadcast, as Gemm does
        else if (c.numel() == units && (c.rank() == 1 || (c.rank() == 2 && c.dim(0) == 1)))
            bias = c.reshaped({units});
        else
            fail(n, "adds a bias of shape " + toString(c.shape()) +
                        "; Strata's Dense adds one value per unit (" + std::to_string(units) + ")");
        weights.emplace_back("bias", bias);
    }
    const bool bias = weights.size() == 2;
    setLayerOutput(
        n, addLayer(n, "Dense", {{"units", units}, {"bias", bias}}, {x.node}, std::move(weights)));
}

void OnnxImporter::convertMatMul(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const Tensor &b = floatInput(n, 1, "weight (input B)");
    if (x.onnxShape.size() != 1 || b.rank() != 2)
        fail(n, "multiplies " + toString(x.onnxShape) + " by " + toString(b.shape()) +
                    "; Strata maps MatMul of a flat input by a matrix to Dense");
    setLayerOutput(n, addLayer(n, "Dense", {{"units", b.dim(1)}, {"bias", false}}, {x.node},
                               {{"weight", transposed(b)}}));
}

} // namespace strata::internal
