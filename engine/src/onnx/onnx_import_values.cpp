// Reading values out of an ONNX graph: tensors (initializers and Constant nodes) decoded into
// ImportValues, a node's inputs by position, and its attributes with their defaults. The
// reader itself is onnx_import.cpp; the op mappings are onnx_import_ops.cpp.

#include "onnx/onnx_import.h"

#include "strata/errors.h"

#include <bit>
#include <cstring>

namespace strata::internal {

namespace {

// Reads `count` little-endian values of type T from raw_data.
template <typename T> std::vector<T> rawValues(const std::string &raw, size_t count)
{
    static_assert(std::endian::native == std::endian::little,
                  "ONNX raw_data is little-endian: convert the values on this machine");
    std::vector<T> v(count);
    if (count)
        std::memcpy(v.data(), raw.data(), count * sizeof(T));
    return v;
}

} // namespace

ImportValue OnnxImporter::constant(const onnx::TensorProto &t, const std::string &where) const
{
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        fail(where + " keeps its data in an external file, which Strata does not read; save "
                     "the model as one file (onnx.save_model(model, path, "
                     "save_as_external_data=False))");
    ImportValue v;
    int64_t count = 1;
    for (int64_t d : t.dims()) {
        if (d < 0 || d > (int64_t(1) << 31) || count * std::max<int64_t>(d, 1) > (int64_t(1) << 31))
            fail(where + " has impossible dimensions");
        v.dims.push_back(d);
        count *= d;
    }
    const auto n = static_cast<size_t>(count);
    auto sizeError = [&](size_t found) {
        fail(where + " holds " + std::to_string(found) + " values but its dimensions " +
             shapeText(v.dims) + " need " + std::to_string(n));
    };
    const std::string &raw = t.raw_data();
    const bool hasRaw = t.has_raw_data();
    auto checkRaw = [&](size_t width) {
        if (raw.size() != n * width)
            sizeError(raw.size() / width);
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: {
        std::vector<float> f;
        if (hasRaw) {
            checkRaw(sizeof(float));
            f = rawValues<float>(raw, n);
        } else {
            f.assign(t.float_data().begin(), t.float_data().end());
        }
        if (f.size() != n)
            sizeError(f.size());
        v.kind = ImportValue::Kind::Floats;
        v.floats = Tensor::fromVector(v.dims, f);
        return v;
    }
    case onnx::TensorProto::DOUBLE: {
        std::vector<double> d;
        if (hasRaw) {
            checkRaw(sizeof(double));
            d = rawValues<double>(raw, n);
        } else {
            d.assign(t.double_data().begin(), t.double_data().end());
        }
        if (d.size() != n)
            sizeError(d.size());
        v.kind = ImportValue::Kind::Floats;
        v.floats = Tensor::fromVector(v.dims, std::vector<float>(d.begin(), d.end()));
        return v;
    }
    case onnx::TensorProto::INT64:
        if (hasRaw) {
            checkRaw(sizeof(int64_t));
            v.ints = rawValues<int64_t>(raw, n);
        } else {
            v.ints.assign(t.int64_data().begin(), t.int64_data().end());
        }
        break;
    case onnx::TensorProto::INT32: {
        std::vector<int32_t> i;
        if (hasRaw) {
            checkRaw(sizeof(int32_t));
            i = rawValues<int32_t>(raw, n);
        } else {
            i.assign(t.int32_data().begin(), t.int32_data().end());
        }
        v.ints.assign(i.begin(), i.end());
        break;
    }
    default:
        fail(where + " has ONNX data type " + std::to_string(t.data_type()) +
             "; Strata reads float32, float64, int32 and int64 tensors");
    }
    if (v.ints.size() != n)
        sizeError(v.ints.size());
    v.kind = ImportValue::Kind::Ints;
    return v;
}

bool OnnxImporter::hasInput(const onnx::NodeProto &n, int i) const
{
    return i < n.input_size() && !n.input(i).empty();
}

const ImportValue &OnnxImporter::input(const onnx::NodeProto &n, int i) const
{
    if (!hasInput(n, i))
        fail(n, "lacks its input " + std::to_string(i + 1));
    auto it = values_.find(n.input(i));
    if (it == values_.end())
        fail(n, "reads '" + n.input(i) +
                    "', which is neither an initializer nor computed by an earlier node");
    return it->second;
}

const ImportValue &OnnxImporter::layerInput(const onnx::NodeProto &n, int i) const
{
    const ImportValue &v = input(n, i);
    if (v.kind != ImportValue::Kind::Layer)
        fail(n, "has a constant as input " + std::to_string(i + 1) + " ('" + n.input(i) +
                    "'); Strata maps it only when that input comes from the model's input");
    return v;
}

const Tensor &OnnxImporter::floatInput(const onnx::NodeProto &n, int i,
                                       const std::string &what) const
{
    const ImportValue &v = input(n, i);
    if (v.kind != ImportValue::Kind::Floats)
        fail(n, "needs its " + what + " ('" + n.input(i) +
                    "') as a float initializer; Strata cannot import weights computed at run "
                    "time");
    return v.floats;
}

const ImportValue &OnnxImporter::intsInput(const onnx::NodeProto &n, int i) const
{
    const ImportValue &v = input(n, i);
    if (v.kind != ImportValue::Kind::Ints)
        fail(n, "needs input " + std::to_string(i + 1) + " ('" + n.input(i) +
                    "') as integer constants");
    return v;
}

void OnnxImporter::requireOneOutput(const onnx::NodeProto &n) const
{
    for (int i = 1; i < n.output_size(); ++i)
        if (!n.output(i).empty() && uses_.count(n.output(i)))
            fail(n, "has its output " + std::to_string(i + 1) + " ('" + n.output(i) +
                        "') used by the model; Strata's layer has only one output");
}

const onnx::AttributeProto *OnnxImporter::attribute(const onnx::NodeProto &n,
                                                    const std::string &name) const
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return &a;
    return nullptr;
}

int64_t OnnxImporter::attrInt(const onnx::NodeProto &n, const std::string &name,
                              int64_t fallback) const
{
    const auto *a = attribute(n, name);
    if (!a)
        return fallback;
    if (a->type() != onnx::AttributeProto::INT)
        fail(n, "has attribute '" + name + "' of the wrong type (expected an integer)");
    return a->i();
}

float OnnxImporter::attrFloat(const onnx::NodeProto &n, const std::string &name,
                              float fallback) const
{
    const auto *a = attribute(n, name);
    if (!a)
        return fallback;
    if (a->type() != onnx::AttributeProto::FLOAT)
        fail(n, "has attribute '" + name + "' of the wrong type (expected a float)");
    return a->f();
}

std::vector<int64_t> OnnxImporter::attrInts(const onnx::NodeProto &n, const std::string &name,
                                            std::vector<int64_t> fallback) const
{
    const auto *a = attribute(n, name);
    if (!a)
        return fallback;
    if (a->type() != onnx::AttributeProto::INTS)
        fail(n, "has attribute '" + name + "' of the wrong type (expected integers)");
    return {a->ints().begin(), a->ints().end()};
}

std::string OnnxImporter::attrString(const onnx::NodeProto &n, const std::string &name,
                                     const std::string &fallback) const
{
    const auto *a = attribute(n, name);
    if (!a)
        return fallback;
    if (a->type() != onnx::AttributeProto::STRING)
        fail(n, "has attribute '" + name + "' of the wrong type (expected text)");
    return a->s();
}

} // namespace strata::internal
