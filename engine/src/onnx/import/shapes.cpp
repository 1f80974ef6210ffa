// The ONNX ops that move no data in Strata: Flatten and the reshapes PyTorch writes for
// x.view(N, -1) become Flatten (other reshapes Reshape, import/reshape.cpp); Add, Sub, Mul
// and Div of integer constants are shape arithmetic; Identity and Dropout pass their input
// through; Shape, Gather, Unsqueeze, Squeeze, Cast and Constant are evaluated here, as the
// constants they are for a model whose sample shape is fixed (and Unsqueeze of flat channels to
// C×1×1 is a view).

#include "onnx/onnx_import.h"

#include "strata/errors.h"

#include <algorithm>
#include <limits>
#include <set>

namespace strata::internal {

ImportValue OnnxImporter::flatValue(const onnx::NodeProto &n, const ImportValue &x)
{
    if (x.strataShape.size() == 1) {
        ImportValue v = x;
        v.onnxShape = x.strataShape;
        return v;
    }
    const std::string id = addLayer(n, "Flatten", nlohmann::json::object(), {x.node}, {});
    ImportValue v;
    v.node = id;
    v.onnxShape = v.strataShape = layerShapes_.at(id);
    return v;
}

void OnnxImporter::flattenValue(const onnx::NodeProto &n, const ImportValue &x)
{
    setOutput(n, flatValue(n, x));
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
    setOutput(n, reshaped(n, x, reshapeTarget(n, x, intsInput(n, 1).ints)));
}

ImportValue OnnxImporter::reshaped(const onnx::NodeProto &n, const ImportValue &x,
                                   const std::vector<int64_t> &target)
{
    const int64_t features = numel(x.onnxShape);
    const bool batchFirst = !target.empty() && target[0] == kBatchSize;
    if (batchFirst && target.size() == 2 && (target[1] == features || target[1] == -1)) {
        notes_.push_back(label(n) + " (to {batch, " + std::to_string(features) +
                         "}) became a Flatten");
        return flatValue(n, x);
    }
    Shape same = withBatch(kBatchSize, x.onnxShape);
    if (batchFirst && target.size() == same.size() &&
        std::equal(target.begin() + 1, target.end(), same.begin() + 1))
        return x; // reshapes to the shape it has
    if (!batchFirst)
        fail(n, "reshapes " + toString(x.onnxShape) + " per sample to " + intsText(target) +
                    ", which moves the batch; Strata imports only reshapes that keep it first "
                    "({batch, ...})");
    return reshapeLayer(n, x, {target.begin() + 1, target.end()});
}

bool OnnxImporter::isShapeArithmetic(const onnx::NodeProto &n) const
{
    static const std::set<std::string> ops{"Add", "Sub", "Mul", "Div"};
    if (!ops.count(n.op_type()) || n.input_size() != 2)
        return false;
    for (const std::string &in : n.input()) {
        const auto it = values_.find(in);
        if (it == values_.end() || it->second.kind != ImportValue::Kind::Ints)
            return false;
    }
    return true;
}

void OnnxImporter::convertShapeArithmetic(const onnx::NodeProto &n)
{
    const ImportValue &a = intsInput(n, 0), &b = intsInput(n, 1);
    const size_t count = std::max(a.ints.size(), b.ints.size());
    if ((a.ints.size() != count && a.ints.size() != 1) ||
        (b.ints.size() != count && b.ints.size() != 1))
        fail(n, "combines " + intsText(a.ints) + " and " + intsText(b.ints) +
                    ", which do not broadcast");
    ImportValue v;
    v.kind = ImportValue::Kind::Ints;
    v.dims = a.ints.size() == count ? a.dims : b.dims;
    const std::string &op = n.op_type();
    for (size_t i = 0; i < count; ++i) {
        const int64_t x = a.ints[a.ints.size() == 1 ? 0 : i];
        const int64_t y = b.ints[b.ints.size() == 1 ? 0 : i];
        if (x == kBatchSize || y == kBatchSize)
            fail(n, "computes with the batch size; Strata's shape arithmetic keeps it apart "
                    "(the batch is dynamic)");
        if (op == "Div" && y == 0)
            fail(n, "divides " + intsText(a.ints) + " by 0");
        int64_t r = 0;
        const bool overflow = op == "Add"   ? __builtin_add_overflow(x, y, &r)
                              : op == "Sub" ? __builtin_sub_overflow(x, y, &r)
                              : op == "Mul" ? __builtin_mul_overflow(x, y, &r)
                                            : (x == std::numeric_limits<int64_t>::min() && y == -1);
        if (overflow)
            fail(n, "computes " + intsText(a.ints) + " " + op + " " + intsText(b.ints) +
                        ", which overflows 64-bit integers");
        v.ints.push_back(op == "Div" ? x / y : r); // ONNX's integer Div truncates
    }
    setOutput(n, v);
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
        std::vector<int64_t> axes = attrInts(n, "axes", {});
        if (hasInput(n, 1))
            axes = intsInput(n, 1).ints;
        if (x.kind == ImportValue::Kind::Layer && x.onnxShape.size() == 1 &&
            x.strataShape.size() == 1) {
            // Flat channels made N×C×1×1 to broadcast over an image (how Strata exports a
            // per-channel Multiply or Subtract input): a view, Strata's shape stays C.
            for (int64_t &a : axes)
                a = normalizedAxis(a, 2 + static_cast<int64_t>(axes.size()));
            std::sort(axes.begin(), axes.end());
            if (axes == std::vector<int64_t>{2, 3}) {
                ImportValue view = x;
                view.onnxShape = {x.onnxShape[0], 1, 1};
                setOutput(n, view);
                return;
            }
        }
        if (x.kind != ImportValue::Kind::Ints)
            fail(n, "adds axes " + intsText(axes) + " to a " + shapeText(x.onnxShape) +
                        " layer output; Strata imports Unsqueeze only in shape arithmetic or "
                        "to make flat channels C×1×1 (axes 2 and 3)");
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
