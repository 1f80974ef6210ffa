// How each ONNX op becomes Strata layers: the table of handlers, and the ops that map to
// layers one to one (Conv, Gemm/MatMul, pooling, activations, Softmax, BatchNormalization,
// Add/Sum and Concat). Reshapes and constants are in onnx_import_shapes.cpp, GELU's Erf chain
// in onnx_import_gelu.cpp.

#include "onnx/onnx_import.h"

#include "layers/window.h"
#include "strata/errors.h"
#include "strata/layer.h"

#include <algorithm>

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

// An axis attribute in [-rank, rank) made non-negative, or -1 when out of range.
int64_t normalizedAxis(int64_t axis, int64_t rank)
{
    if (axis < -rank || axis >= rank)
        return -1;
    return axis < 0 ? axis + rank : axis;
}

} // namespace

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
        {"Mul", &OnnxImporter::convertGelu},
        {"Relu", &OnnxImporter::convertActivation},
        {"Reshape", &OnnxImporter::convertReshape},
        {"Shape", &OnnxImporter::convertShapeOps},
        {"Sigmoid", &OnnxImporter::convertActivation},
        {"Softmax", &OnnxImporter::convertSoftmax},
        {"Squeeze", &OnnxImporter::convertSqueeze},
        {"Sum", &OnnxImporter::convertAdd},
        {"Tanh", &OnnxImporter::convertActivation},
        {"Unsqueeze", &OnnxImporter::convertShapeOps},
    };
    return table;
}

void OnnxImporter::convert(const onnx::NodeProto &n)
{
    const auto &table = handlers();
    const auto it = table.find(n.op_type());
    if (it == table.end())
        fail(n, "is not supported"); // checkOps lists these before conversion starts
    (this->*it->second)(n);
}

std::string OnnxImporter::windowPadding(const onnx::NodeProto &n, const Shape &image,
                                        int64_t kernel, int64_t stride) const
{
    const std::string autoPad = attrString(n, "auto_pad", "NOTSET");
    const WindowAxis rows = windowAxis(image[1], kernel, stride, true);
    const WindowAxis cols = windowAxis(image[2], kernel, stride, true);
    const std::vector<int64_t> same{rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter};
    if (autoPad == "VALID")
        return "valid";
    if (autoPad == "SAME_UPPER")
        return "same";
    if (autoPad == "SAME_LOWER") {
        // Lower puts the odd pixel first; the engine puts it last, as Keras does.
        if (rows.padBefore == rows.padAfter && cols.padBefore == cols.padAfter)
            return "same";
        fail(n, "pads SAME_LOWER, with the odd pixel before the image; Strata's 'same' padding "
                "puts it after (SAME_UPPER)");
    }
    if (autoPad != "NOTSET")
        fail(n, "has auto_pad '" + autoPad + "', which is not an ONNX padding mode");
    const std::vector<int64_t> pads = attrInts(n, "pads", {0, 0, 0, 0});
    if (pads.size() != 4)
        fail(n, "has " + std::to_string(pads.size()) + " pads; a 2-D window has 4");
    if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; }))
        return "valid";
    if (pads == same)
        return "same";
    fail(n, "pads the " + toString({image[1], image[2]}) + " image by " + intsText(pads) +
                " (top, left, bottom, right) for a " + std::to_string(kernel) + "×" +
                std::to_string(kernel) + " window with stride " + std::to_string(stride) +
                "; Strata pads either nothing ('valid') or " + intsText(same) +
                " ('same', output = ceil(input / stride))");
}

void OnnxImporter::convertConv(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    const Tensor &w = floatInput(n, 1, "weight");
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "convolves a " + toString(x.onnxShape) +
                    " input; Strata's Conv2D takes images (channels×height×width)");
    if (w.rank() != 4)
        fail(n, "has a weight of rank " + std::to_string(w.rank()) + "; Conv2D needs 4 (OIHW)");
    if (attrInt(n, "group", 1) != 1)
        fail(n, "is a grouped convolution (group " + std::to_string(attrInt(n, "group", 1)) +
                    "); Strata's Conv2D has one group");
    const auto dilations = attrInts(n, "dilations", {1, 1});
    if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; }))
        fail(n, "is dilated " + intsText(dilations) + "; Strata's Conv2D is not dilated");
    const int64_t k = w.dim(2);
    if (w.dim(3) != k)
        fail(n, "has a " + std::to_string(w.dim(2)) + "×" + std::to_string(w.dim(3)) +
                    " kernel; Strata's Conv2D kernels are square");
    const auto kernelShape = attrInts(n, "kernel_shape", {k, k});
    if (kernelShape != std::vector<int64_t>{k, k})
        fail(n, "has kernel_shape " + intsText(kernelShape) + " but a weight of " +
                    toString(w.shape()));
    const auto strides = attrInts(n, "strides", {1, 1});
    if (strides.size() != 2 || strides[0] != strides[1])
        fail(n, "has strides " + intsText(strides) +
                    "; Strata's Conv2D moves by the same step both ways");
    const std::string padding = windowPadding(n, x.strataShape, k, strides[0]);
    std::vector<std::pair<std::string, Tensor>> weights{{"weight", w}};
    const bool bias = hasInput(n, 2);
    if (bias)
        weights.emplace_back("bias", floatInput(n, 2, "bias").reshaped({w.dim(0)}));
    const std::string id = addLayer(n, "Conv2D",
                                    {{"filters", w.dim(0)},
                                     {"kernel", k},
                                     {"stride", strides[0]},
                                     {"padding", padding},
                                     {"bias", bias}},
                                    {x.node}, std::move(weights));
    setLayerOutput(n, id);
}

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

void OnnxImporter::convertAdd(const onnx::NodeProto &n)
{
    std::vector<const ImportValue *> in;
    for (int i = 0; i < n.input_size(); ++i)
        in.push_back(&input(n, i));
    if (std::any_of(in.begin(), in.end(),
                    [](const ImportValue *v) { return v->kind == ImportValue::Kind::GeluPart; })) {
        convertGelu(n); // the 1 + erf(x/√2) of GELU's erf form
        return;
    }
    const auto constants = std::count_if(in.begin(), in.end(), [](const ImportValue *v) {
        return v->kind != ImportValue::Kind::Layer;
    });
    if (n.op_type() == "Add" && in.size() == 2 && constants == 1) {
        // x·W followed by + b (MatMul then Add), or a convolution's bias added separately:
        // the bias joins the layer before, when nothing else reads that layer's output.
        const bool first = in[0]->kind == ImportValue::Kind::Layer;
        const ImportValue &x = *in[first ? 0 : 1];
        const ImportValue &c = *in[first ? 1 : 0];
        Node *layer = graph_.find(x.node);
        const std::string xName = n.input(first ? 0 : 1);
        auto &weights = weights_[x.node];
        const bool biasFree = layer && (layer->type == "Dense" || layer->type == "Conv2D") &&
                              layer->params.value("bias", true) == false && uses_[xName] == 1;
        if (biasFree && c.kind == ImportValue::Kind::Floats) {
            const int64_t units = layerShapes_.at(x.node)[0];
            const Shape &d = c.dims;
            const bool fits = layer->type == "Dense"
                                  ? (d == Shape{units} || d == Shape{1, units})
                                  : (d == Shape{units, 1, 1} || d == Shape{1, units, 1, 1});
            if (fits) {
                layer->params["bias"] = true;
                weights.emplace_back("bias", c.floats.reshaped({units}));
                notes_.push_back(label(n) + " became the bias of " + describe(*layer));
                setOutput(n, x);
                return;
            }
        }
        fail(n, "adds a constant to '" + xName +
                    "'; Strata folds a constant only into the bias of the Dense or Conv2D "
                    "before it");
    }
    if (constants > 0)
        fail(n, "adds a constant; Strata's Add sums layer outputs only");
    if (in.size() < 2 || in.size() > 8)
        fail(n, "sums " + std::to_string(in.size()) + " inputs; Strata's Add takes 2 to 8");
    std::vector<std::string> nodes;
    for (const ImportValue *v : in) {
        if (v->onnxShape != in[0]->onnxShape)
            fail(n, "broadcasts " + toString(in[0]->onnxShape) + " and " + toString(v->onnxShape) +
                        "; Strata's Add needs inputs of one shape");
        nodes.push_back(v->node);
    }
    setLayerOutput(n, addLayer(n, "Add", {{"inputs", in.size()}}, nodes, {}));
}

void OnnxImporter::convertActivation(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const std::string &op = n.op_type();
    std::string id;
    if (op == "LeakyRelu")
        id = addLayer(n, "LeakyReLU", {{"alpha", attrFloat(n, "alpha", 0.01f)}}, {x.node}, {});
    else
        id = addLayer(n, op == "Relu" ? "ReLU" : op, nlohmann::json::object(), {x.node}, {});
    ImportValue v = x;
    v.node = id;
    setOutput(n, v); // element-wise: the shapes stay
}

void OnnxImporter::convertSoftmax(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const int64_t rank = static_cast<int64_t>(x.onnxShape.size()) + 1;
    const int64_t axis = normalizedAxis(attrInt(n, "axis", opset_ >= 13 ? -1 : 1), rank);
    // Strata normalises the features of a flat input, or the channels of an image at each
    // pixel. Before opset 13 an image's Softmax spans C×H×W at once.
    const bool flat = rank == 2 && axis == 1;
    const bool channels = rank == 4 && axis == 1 && opset_ >= 13 && x.strataShape.size() == 3;
    if (!flat && !channels)
        fail(n, "normalises axis " + std::to_string(axis) + " of a " +
                    toString(withBatch(1, x.onnxShape)) +
                    " tensor; Strata's Softmax normalises features (axis 1 of {batch, "
                    "features}) or channels (axis 1 of an image, opset 13 or later)");
    ImportValue v = x;
    v.node = addLayer(n, "Softmax", nlohmann::json::object(), {x.node}, {});
    setOutput(n, v);
}

void OnnxImporter::convertPool(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "pools a " + toString(x.onnxShape) + " input; Strata pools images");
    const auto kernel = attrInts(n, "kernel_shape", {});
    if (kernel.size() != 2 || kernel[0] != kernel[1])
        fail(n, "has kernel_shape " + intsText(kernel) + "; Strata's pooling windows are square");
    const auto strides = attrInts(n, "strides", {1, 1});
    if (strides.size() != 2 || strides[0] != strides[1])
        fail(n, "has strides " + intsText(strides) +
                    "; Strata's pooling moves by the same step both ways");
    const auto dilations = attrInts(n, "dilations", {1, 1});
    if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; }))
        fail(n, "is dilated " + intsText(dilations) + "; Strata's pooling is not dilated");
    const int64_t k = kernel[0], s = strides[0];
    const std::string padding = windowPadding(n, x.strataShape, k, s);
    if (attrInt(n, "ceil_mode", 0) != 0) {
        // Rounding up changes nothing when the windows tile the padded image exactly.
        const bool same = padding == "same";
        for (int64_t size : {x.strataShape[1], x.strataShape[2]}) {
            const WindowAxis a = windowAxis(size, k, s, same);
            const int64_t span = size + a.padBefore + a.padAfter - k;
            if (span >= 0 && span % s != 0)
                fail(n, "rounds its output size up (ceil_mode = 1) where Strata rounds down; "
                        "export it with ceil_mode=False");
        }
    }
    const bool average = n.op_type() == "AveragePool";
    if (average && padding == "same" && attrInt(n, "count_include_pad", 0) != 0)
        fail(n, "counts the padding in its averages (count_include_pad = 1); Strata's "
                "AvgPool2D leaves padding out");
    setLayerOutput(n, addLayer(n, average ? "AvgPool2D" : "MaxPool2D",
                               {{"pool", k}, {"stride", s}, {"padding", padding}}, {x.node}, {}));
}

void OnnxImporter::convertGlobalPool(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "pools a " + toString(x.onnxShape) + " input; Strata pools images");
    ImportValue v;
    v.node = addLayer(n, "GlobalAvgPool2D", nlohmann::json::object(), {x.node}, {});
    v.strataShape = layerShapes_.at(v.node);
    v.onnxShape = {v.strataShape[0], 1, 1}; // ONNX keeps the 1×1 image
    setOutput(n, v);
}

void OnnxImporter::convertBatchNorm(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    if (attrInt(n, "training_mode", 0) != 0)
        fail(n, "runs in training mode; export the model in inference mode (model.eval())");
    const int64_t c = x.strataShape.empty() ? 0 : x.strataShape[0];
    std::vector<std::pair<std::string, Tensor>> weights;
    const char *names[] = {"gamma", "beta", "running_mean", "running_var"};
    const char *what[] = {"scale", "bias (B)", "running mean", "running variance"};
    for (int i = 0; i < 4; ++i) {
        const Tensor &t = floatInput(n, i + 1, what[i]);
        if (t.numel() != c)
            fail(n, "has a " + std::string(what[i]) + " of shape " + toString(t.shape()) + " for " +
                        std::to_string(c) + " channels");
        weights.emplace_back(names[i], t.reshaped({c}));
    }
    const float epsilon = attrFloat(n, "epsilon", 1e-5f);
    const float momentum = attrFloat(n, "momentum", 0.9f);
    ImportValue v = x;
    v.node = addLayer(n, "BatchNorm", {{"momentum", momentum}, {"epsilon", epsilon}}, {x.node},
                      std::move(weights));
    setOutput(n, v);
}

void OnnxImporter::convertConcat(const onnx::NodeProto &n)
{
    std::vector<const ImportValue *> in;
    for (int i = 0; i < n.input_size(); ++i)
        in.push_back(&input(n, i));
    if (std::all_of(in.begin(), in.end(),
                    [](const ImportValue *v) { return v->kind == ImportValue::Kind::Ints; })) {
        ImportValue v; // shape arithmetic: join the 1-D lists
        v.kind = ImportValue::Kind::Ints;
        for (const ImportValue *i : in)
            v.ints.insert(v.ints.end(), i->ints.begin(), i->ints.end());
        v.dims = {static_cast<int64_t>(v.ints.size())};
        setOutput(n, v);
        return;
    }
    std::vector<std::string> nodes;
    for (int i = 0; i < n.input_size(); ++i)
        nodes.push_back(layerInput(n, i).node);
    const int64_t rank = static_cast<int64_t>(in[0]->onnxShape.size()) + 1;
    if (normalizedAxis(attrInt(n, "axis", 1), rank) != 1)
        fail(n, "joins along axis " + std::to_string(attrInt(n, "axis", 1)) +
                    "; Strata's Concat joins channels or features (axis 1)");
    if (in.size() < 2 || in.size() > 8)
        fail(n, "joins " + std::to_string(in.size()) + " inputs; Strata's Concat takes 2 to 8");
    setLayerOutput(n, addLayer(n, "Concat", {{"inputs", in.size()}}, nodes, {}));
}

} // namespace strata::internal
