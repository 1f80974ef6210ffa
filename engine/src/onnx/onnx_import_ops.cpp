// How each ONNX op becomes Strata layers: the one table from op name to handler (the list of
// supported ops is its keys) and the window padding shared by Conv and the pools. The
// handlers live in onnx/import/, one file per layer family: conv2d, dense, pooling,
// activation, batchnorm, merge, gelu (the Erf chain), gated (SiLU and Hardswish as x times a
// gate), arithmetic (Mul and Sub of two layers), prelu, norm (LayerNorm and GroupNorm, and
// their chains: norm_chains), shapes (ops that move no data), conv_transpose, upsample
// (Resize) and split.

#include "onnx/onnx_import.h"

#include "layers/window.h"

namespace strata::internal {

const std::map<std::string, OnnxImporter::Handler> &OnnxImporter::handlers()
{
    // One row per ONNX op the reader maps; supportedOps() lists these keys.
    static const std::map<std::string, Handler> table = {
        {"Add", &OnnxImporter::convertAdd},
        {"AveragePool", &OnnxImporter::convertPool},
        {"BatchNormalization", &OnnxImporter::convertBatchNorm},
        {"Cast", &OnnxImporter::convertShapeOps},
        {"Concat", &OnnxImporter::convertConcat},
        {"Constant", &OnnxImporter::convertConstant},
        {"Conv", &OnnxImporter::convertConv},
        {"Div", &OnnxImporter::convertGelu},
        {"Dropout", &OnnxImporter::convertPassThrough},
        {"Erf", &OnnxImporter::convertGelu},
        {"Flatten", &OnnxImporter::convertFlatten},
        {"Gather", &OnnxImporter::convertShapeOps},
        {"Gemm", &OnnxImporter::convertGemm},
        {"GlobalAveragePool", &OnnxImporter::convertGlobalPool},
        {"Identity", &OnnxImporter::convertPassThrough},
        {"LeakyRelu", &OnnxImporter::convertActivation},
        {"MatMul", &OnnxImporter::convertMatMul},
        {"MaxPool", &OnnxImporter::convertPool},
        {"Mul", &OnnxImporter::convertMul},
        {"Relu", &OnnxImporter::convertActivation},
        {"Reshape", &OnnxImporter::convertReshape},
        {"Shape", &OnnxImporter::convertShapeOps},
        {"Sigmoid", &OnnxImporter::convertActivation},
        {"Softmax", &OnnxImporter::convertSoftmax},
        {"Squeeze", &OnnxImporter::convertSqueeze},
        {"Sum", &OnnxImporter::convertAdd},
        {"Tanh", &OnnxImporter::convertActivation},
        {"Unsqueeze", &OnnxImporter::convertShapeOps},
        // The activations of MobileNet and EfficientNet (issue 21).
        {"Clip", &OnnxImporter::convertClip},
        {"Elu", &OnnxImporter::convertActivation},
        {"HardSigmoid", &OnnxImporter::convertActivation},
        {"HardSwish", &OnnxImporter::convertActivation},
        {"PRelu", &OnnxImporter::convertPRelu},
        {"Softplus", &OnnxImporter::convertActivation},
        // The norms within a sample (issue 21); their opset-13 chains arrive as these ops
        // (import/norm_chains.cpp).
        {"GroupNormalization", &OnnxImporter::convertGroupNorm},
        {"LayerNormalization", &OnnxImporter::convertLayerNorm},
        // Squeeze-and-excitation (issue 21): channel means and gates.
        {"ReduceMean", &OnnxImporter::convertReduceMean},
        {"Sub", &OnnxImporter::convertArithmetic},
        // Decoders (issue 21): transposed convolutions and enlargements.
        {"ConvTranspose", &OnnxImporter::convertConvTranspose},
        {"Resize", &OnnxImporter::convertResize},
        {"Upsample", &OnnxImporter::convertResize},
        // ShuffleNet (issue 21): the channel shuffle (its chain arrives as ChannelShuffle,
        // import/shuffle_chain.cpp), the channel split and other moves within a sample.
        {"ChannelShuffle", &OnnxImporter::convertChannelShuffle},
        {"Slice", &OnnxImporter::convertSlice},
        {"Split", &OnnxImporter::convertSplit}, // torch.split and torch.chunk
        // Strata's own AdaptiveAvgPool2D with uneven windows (import/adaptive_chain.cpp).
        {"AdaptiveAveragePool", &OnnxImporter::convertAdaptivePool},
        {"Transpose", &OnnxImporter::convertTranspose},
    };
    return table;
}

const std::set<std::string> &OnnxImporter::fusedOnlyOps()
{
    static const std::set<std::string> ops{"AdaptiveAveragePool"};
    return ops;
}

void OnnxImporter::convert(const onnx::NodeProto &n)
{
    if (isShapeArithmetic(n))
        return convertShapeArithmetic(n);
    const auto &table = handlers();
    const auto it = table.find(n.op_type());
    if (it == table.end())
        fail(n, "is not supported"); // checkOps lists these before conversion starts
    (this->*it->second)(n);
}

nlohmann::json OnnxImporter::windowPadding(const onnx::NodeProto &n, const Shape &image,
                                           const std::vector<int64_t> &kernel,
                                           const std::vector<int64_t> &stride, int64_t dilation,
                                           bool ceilMode) const
{
    const std::string autoPad = attrString(n, "auto_pad", "NOTSET");
    const WindowAxis rows =
        windowAxis(image[1], kernel.at(0), stride.at(0), dilation, "same", 0, 0, false);
    const WindowAxis cols =
        windowAxis(image[2], kernel.at(1), stride.at(1), dilation, "same", 0, 0, false);
    const bool sameIsEven = rows.padBefore == rows.padAfter && cols.padBefore == cols.padAfter;
    std::vector<int64_t> pads; // top, left, bottom, right, as ONNX orders them
    if (autoPad == "VALID")
        return {{"padding", "valid"}};
    if (autoPad == "SAME_UPPER" || (autoPad == "SAME_LOWER" && sameIsEven))
        return {{"padding", "same"}};
    if (autoPad == "SAME_LOWER") // the odd pixel before the image, where "same" puts it after
        pads = {rows.padAfter, cols.padAfter, rows.padBefore, cols.padBefore};
    else if (autoPad != "NOTSET")
        fail(n, "has auto_pad '" + autoPad + "', which is not an ONNX padding mode");
    else
        pads = attrInts(n, "pads", {0, 0, 0, 0});
    if (pads.size() != 4)
        fail(n, "has " + std::to_string(pads.size()) + " pads; a 2-D window has 4");
    if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0; }))
        fail(n, "has negative pads " + intsText(pads) +
                    " (top, left, bottom, right), which crop the image; Strata pads with zeros "
                    "only: re-export the model without negative pads");
    if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; }))
        return {{"padding", "valid"}};
    const std::vector<int64_t> same{rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter};
    if (pads == same && !ceilMode)
        return {{"padding", "same"}};
    if (std::all_of(pads.begin(), pads.end(), [&](int64_t p) { return p == pads[0]; }))
        return {{"padding", "explicit"}, {"pad", pads[0]}};
    return {{"padding", "explicit"},
            {"pad_top", pads[0]},
            {"pad_left", pads[1]},
            {"pad_bottom", pads[2]},
            {"pad_right", pads[3]}};
}

} // namespace strata::internal
