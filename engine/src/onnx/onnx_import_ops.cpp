// How each ONNX op becomes Strata layers. Conv, Gemm/MatMul, pooling, activations, Softmax,
// BatchNormalization, Add/Sum and Concat map one to one; Flatten and the reshapes PyTorch
// writes for x.view(N, -1) become Flatten; Identity and Dropout pass their input through;
// Shape, Gather, Unsqueeze, Squeeze, Cast and Constant are evaluated here, as the constants
// they are for a model whose sample shape is fixed.

#include "onnx/onnx_import.h"

#include "layers/conv2d/conv2d.h"
#include "strata/errors.h"

#include <algorithm>

namespace strata::internal {

namespace {

std::string intsText(const std::vector<int64_t> &v)
{
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + (v[i] == kBatchSize ? std::string("batch") : std::to_string(v[i]));
    return s + "]";
}

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

void OnnxImporter::convert(const onnx::NodeProto &n)
{
    const std::string &op = n.op_type();
    if (op == "Conv")
        convertConv(n);
    else if (op == "Gemm")
        convertGemm(n);
    else if (op == "MatMul")
        convertMatMul(n);
    else if (op == "Add" || op == "Sum")
        convertAdd(n);
    else if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh")
        convertActivation(n);
    else if (op == "Softmax")
        convertSoftmax(n);
    else if (op == "MaxPool" || op == "AveragePool")
        convertPool(n);
    else if (op == "GlobalAveragePool")
        convertGlobalPool(n);
    else if (op == "Flatten")
        convertFlatten(n);
    else if (op == "Reshape")
        convertReshape(n);
    else if (op == "Squeeze")
        convertSqueeze(n);
    else if (op == "BatchNormalization")
        convertBatchNorm(n);
    else if (op == "Concat")
        convertConcat(n);
    else if (op == "Constant")
        convertConstant(n);
    else if (op == "Shape" || op == "Gather" || op == "Unsqueeze" || op == "Cast")
        convertShapeOps(n);
    else if (op == "Identity" || op == "Dropout")
        convertPassThrough(n);
    else
        fail(n, "is not supported"); // checkOps lists these before conversion starts
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

void OnnxImporter::flattenValue(const onnx::NodeProto &n, const ImportValue &x)
{
    if (x.strataShape.size() == 1) {
        ImportValue v = x;
        v.onnxShape = x.strataShape;
        setOutput(n, v);
        return;
    }
    setLayerOutput(n, addLayer(n, "Flatten", nlohmann::json::object(), {x.node}, {}));
}

void OnnxImporter::convertFlatten(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const int64_t rank = static_cast<int64_t>(x.onnxShape.size()) + 1;
    const int64_t axis = attrInt(n, "axis", 1); // in [-rank, rank]
    if ((axis < 0 ? axis + rank : axis) != 1)
        fail(n, "flattens from axis " + std::to_string(axis) +
                    "; Strata flattens each sample (axis 1)");
    flattenValue(n, x);
}

void OnnxImporter::convertReshape(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    std::vector<int64_t> target = intsInput(n, 1).ints;
    const int64_t features = numel(x.onnxShape);
    // 0 copies the input's size at that axis (unless allowzero); the first axis is the batch.
    if (attrInt(n, "allowzero", 0) == 0)
        for (size_t i = 0; i < target.size(); ++i)
            if (target[i] == 0)
                target[i] = i == 0                       ? kBatchSize
                            : i - 1 < x.onnxShape.size() ? x.onnxShape[i - 1]
                                                         : 0;
    const bool batchFirst =
        !target.empty() &&
        (target[0] == kBatchSize || (staticBatch_ > 0 && target[0] == staticBatch_) ||
         (target[0] == -1 && target.size() == 2 && target[1] == features));
    if (batchFirst && target.size() == 2 && (target[1] == features || target[1] == -1)) {
        notes_.push_back(label(n) + " (to {batch, " + std::to_string(features) +
                         "}) became a Flatten");
        flattenValue(n, x);
        return;
    }
    Shape same = withBatch(kBatchSize, x.onnxShape);
    if (batchFirst && target.size() == same.size() &&
        std::equal(target.begin() + 1, target.end(), same.begin() + 1)) {
        setOutput(n, x); // reshapes to the shape it has
        return;
    }
    fail(n, "reshapes " + toString(x.onnxShape) + " per sample to " + intsText(target) +
                "; Strata imports only reshapes that flatten each sample ({batch, " +
                std::to_string(features) + "})");
}

void OnnxImporter::convertSqueeze(const onnx::NodeProto &n)
{
    const ImportValue &x = input(n, 0);
    std::vector<int64_t> axes = attrInts(n, "axes", {});
    if (hasInput(n, 1))
        axes = intsInput(n, 1).ints;
    if (x.kind == ImportValue::Kind::Ints) {
        ImportValue v = x;
        v.dims.clear();
        for (size_t i = 0; i < x.dims.size(); ++i)
            if (x.dims[i] != 1 ||
                !(axes.empty() || std::count(axes.begin(), axes.end(), static_cast<int64_t>(i))))
                v.dims.push_back(x.dims[i]);
        setOutput(n, v);
        return;
    }
    if (x.kind == ImportValue::Kind::Layer && x.strataShape.size() == 1 &&
        numel(x.onnxShape) == x.strataShape[0]) {
        // The 1×1 image after GlobalAveragePool squeezed to features: Strata's shape already.
        ImportValue v = x;
        v.onnxShape = x.strataShape;
        setOutput(n, v);
        return;
    }
    fail(n, "squeezes a " + toString(x.onnxShape) +
                " tensor; Strata imports Squeeze only "
                "after GlobalAveragePool");
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

void OnnxImporter::convertConstant(const onnx::NodeProto &n)
{
    ImportValue v;
    if (const auto *a = attribute(n, "value")) {
        v = constant(a->t(), label(n));
    } else if (const auto *f = attribute(n, "value_float")) {
        v.kind = ImportValue::Kind::Floats;
        v.floats = Tensor::fromVector({}, {f->f()});
    } else if (const auto *fs = attribute(n, "value_floats")) {
        v.kind = ImportValue::Kind::Floats;
        v.dims = {fs->floats_size()};
        v.floats = Tensor::fromVector(v.dims, {fs->floats().begin(), fs->floats().end()});
    } else if (const auto *i = attribute(n, "value_int")) {
        v.kind = ImportValue::Kind::Ints;
        v.ints = {i->i()};
    } else if (const auto *is = attribute(n, "value_ints")) {
        v.kind = ImportValue::Kind::Ints;
        v.ints.assign(is->ints().begin(), is->ints().end());
        v.dims = {static_cast<int64_t>(v.ints.size())};
    } else {
        fail(n, "holds a kind of constant Strata does not read (sparse or text)");
    }
    setOutput(n, v);
}

void OnnxImporter::convertShapeOps(const onnx::NodeProto &n)
{
    const std::string &op = n.op_type();
    const ImportValue &x = input(n, 0);
    ImportValue v;
    v.kind = ImportValue::Kind::Ints;
    if (op == "Shape") {
        if (x.kind != ImportValue::Kind::Layer)
            fail(n, "takes the shape of a constant; Strata expects it of a layer's output");
        const std::vector<int64_t> all = withBatch(kBatchSize, x.onnxShape);
        const auto r = static_cast<int64_t>(all.size());
        int64_t start = attrInt(n, "start", 0), end = attrInt(n, "end", r);
        start = std::clamp<int64_t>(start < 0 ? start + r : start, 0, r);
        end = std::clamp<int64_t>(end < 0 ? end + r : end, 0, r);
        if (end > start)
            v.ints.assign(all.begin() + start, all.begin() + end);
        v.dims = {static_cast<int64_t>(v.ints.size())};
    } else if (op == "Gather") {
        if (x.kind != ImportValue::Kind::Ints || x.dims.size() != 1 || attrInt(n, "axis", 0) != 0)
            fail(n, "gathers from a layer's output or a matrix; Strata imports Gather only "
                    "in shape arithmetic (on a Shape's result)");
        const ImportValue &idx = intsInput(n, 1);
        const auto size = static_cast<int64_t>(x.ints.size());
        for (int64_t i : idx.ints) {
            const int64_t at = i < 0 ? i + size : i;
            if (at < 0 || at >= size)
                fail(n, "gathers index " + std::to_string(i) + " from " + std::to_string(size) +
                            " values");
            v.ints.push_back(x.ints[static_cast<size_t>(at)]);
        }
        v.dims = idx.dims;
    } else if (op == "Unsqueeze") {
        if (x.kind != ImportValue::Kind::Ints)
            fail(n, "adds an axis to a layer's output; Strata imports Unsqueeze only in shape "
                    "arithmetic");
        std::vector<int64_t> axes = attrInts(n, "axes", {});
        if (hasInput(n, 1))
            axes = intsInput(n, 1).ints;
        v.ints = x.ints;
        v.dims = x.dims;
        for (size_t i = 0; i < axes.size(); ++i)
            v.dims.push_back(1);
    } else { // Cast
        if (x.kind == ImportValue::Kind::Layer) {
            if (attrInt(n, "to", onnx::TensorProto::FLOAT) != onnx::TensorProto::FLOAT)
                fail(n, "turns a layer's output into another type than float32");
            setOutput(n, x);
            return;
        }
        v = x;
    }
    setOutput(n, v);
}

void OnnxImporter::convertPassThrough(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = input(n, 0);
    if (n.op_type() == "Dropout")
        notes_.push_back(label(n) + " left out: Dropout is the identity at inference (add a "
                                    "Dropout layer to fine-tune with it)");
    setOutput(n, x);
}

} // namespace strata::internal
