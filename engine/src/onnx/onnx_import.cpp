// The ONNX reader: the file, the opset, the initializers, the graph input and output, and
// the project it becomes. How each op maps to Strata layers is in onnx_import_ops.cpp.

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"
#include "strata/shape_inference.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace strata {

namespace internal {

std::string intsText(const std::vector<int64_t> &v)
{
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + (v[i] == kBatchSize ? std::string("batch") : std::to_string(v[i]));
    return s + "]";
}

int64_t normalizedAxis(int64_t axis, int64_t rank)
{
    if (axis < -rank || axis >= rank)
        return -1;
    return axis < 0 ? axis + rank : axis;
}

std::string shapeText(const Shape &s)
{
    return s.empty() ? std::string("a scalar") : toString(s);
}

OnnxImporter::OnnxImporter(const std::string &path, const onnx::ModelProto &model)
    : path_(path), model_(model)
{
}

const std::vector<std::string> &OnnxImporter::supportedOps()
{
    static const std::vector<std::string> ops = [] {
        std::vector<std::string> names;
        for (const auto &[name, handler] : handlers())
            if (!fusedOnlyOps().count(name))
                names.push_back(name);
        return names;
    }();
    return ops;
}

void OnnxImporter::fail(const std::string &what) const
{
    throw ImportError(path_ + ": " + what);
}

void OnnxImporter::fail(const onnx::NodeProto &n, const std::string &what) const
{
    fail(label(n) + " " + what);
}

std::string OnnxImporter::label(const onnx::NodeProto &n) const
{
    // Exporters may leave nodes unnamed: their first output names them then.
    std::string name = n.name();
    if (name.empty() && n.output_size() > 0)
        name = n.output(0);
    return n.op_type() + " '" + name + "'";
}

void OnnxImporter::checkOpset()
{
    for (const auto &o : model_.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx")
            opset_ = o.version();
    const std::string range =
        std::to_string(kImportMinOpset) + " to " + std::to_string(kImportMaxOpset);
    if (opset_ == 0)
        fail("the model declares no ONNX opset (opset_import); Strata imports opsets " + range);
    if (opset_ < kImportMinOpset || opset_ > kImportMaxOpset)
        fail("the model uses opset " + std::to_string(opset_) + ", which is " +
             (opset_ < kImportMinOpset ? "older" : "newer") + " than Strata reads (opsets " +
             range +
             "); export it again with opset 13 (torch.onnx.export(..., "
             "opset_version=13))");
}

void OnnxImporter::checkOps() const
{
    std::vector<std::string> missing;
    std::set<std::string> types;
    for (const auto &n : model_.graph().node()) {
        const bool standard = n.domain().empty() || n.domain() == "ai.onnx";
        const auto &ops = supportedOps();
        if (fusedOnlyOps().count(n.op_type()) && attrInt(n, "strata_chain", 0) != 0)
            continue; // a fusing pass wrote it
        if (!standard || std::find(ops.begin(), ops.end(), n.op_type()) == ops.end()) {
            missing.push_back((standard ? "" : n.domain() + ".") + label(n));
            types.insert((standard ? "" : n.domain() + ".") + n.op_type());
        }
    }
    if (missing.empty())
        return;
    std::string text = "Strata cannot import " + std::to_string(missing.size()) +
                       " node(s) whose " + (types.size() == 1 ? "op it does" : "ops it does") +
                       " not support:";
    for (const std::string &m : missing)
        text += "\n  " + m;
    std::string ops;
    for (const std::string &o : supportedOps())
        ops += (ops.empty() ? "" : ", ") + o;
    fail(text + "\nStrata imports: " + ops + ".");
}

void OnnxImporter::readInitializers()
{
    for (const auto &t : model_.graph().initializer()) {
        if (t.name().empty())
            fail("an initializer has no name");
        values_[t.name()] = constant(t, "initializer '" + t.name() + "'");
    }
}

void OnnxImporter::readInput()
{
    std::vector<const onnx::ValueInfoProto *> inputs;
    for (const auto &in : model_.graph().input())
        if (!values_.count(in.name()))
            inputs.push_back(&in);
    if (inputs.size() != 1) {
        std::string names;
        for (const auto *in : inputs)
            names += (names.empty() ? "" : ", ") + in->name();
        fail("the model has " + std::to_string(inputs.size()) + " inputs" +
             (names.empty() ? "" : " (" + names + ")") + "; a Strata model takes exactly one");
    }
    const onnx::ValueInfoProto &in = *inputs[0];
    const std::string where = "the input '" + in.name() + "'";
    if (!in.type().has_tensor_type() ||
        in.type().tensor_type().elem_type() != onnx::TensorProto::FLOAT)
        fail(where + " is not a float32 tensor; Strata models take float32 samples");
    if (!in.type().tensor_type().has_shape())
        fail(where + " has no shape; Strata needs {batch, features} or {batch, channels, "
                     "height, width}");
    const auto &dims = in.type().tensor_type().shape().dim();
    if (dims.size() != 2 && dims.size() != 4)
        fail(where + " has " + std::to_string(dims.size()) +
             " dimensions; Strata reads {batch, features} (2) or {batch, channels, height, "
             "width} (4)");
    Shape sample;
    for (int i = 1; i < dims.size(); ++i) {
        if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0)
            fail(where + " has no fixed size at axis " + std::to_string(i) +
                 (dims[i].has_dim_param() ? " ('" + dims[i].dim_param() + "')" : "") +
                 "; only the batch dimension may vary");
        sample.push_back(dims[i].dim_value());
    }
    if (dims[0].has_dim_value())
        staticBatch_ = dims[0].dim_value();

    std::string id;
    for (char c : in.name())
        id += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
    if (id.empty() || id.size() > 48)
        id = "input";
    Node node;
    node.id = id;
    node.type = "Input";
    node.params = sample.size() == 1 ? nlohmann::json{{"features", sample[0]}}
                                     : nlohmann::json{{"channels", sample[0]},
                                                      {"height", sample[1]},
                                                      {"width", sample[2]},
                                                      {"features", 0}};
    try {
        const LayerRegistry &registry = LayerRegistry::instance();
        registry.get("Input").inferShape(node, registry.resolveParams(node), {});
    } catch (const ShapeError &e) {
        fail(where + ": " + e.what());
    }
    graph_.addNode(node);
    layerShapes_[id] = sample;
    ImportValue v;
    v.node = id;
    v.onnxShape = v.strataShape = sample;
    values_[in.name()] = v;
}

void OnnxImporter::checkOutputAndShapes() const
{
    const auto &g = model_.graph();
    if (g.output_size() != 1)
        fail("the model has " + std::to_string(g.output_size()) +
             " outputs; a Strata model has exactly one");
    auto it = values_.find(g.output(0).name());
    if (it == values_.end())
        fail("the output '" + g.output(0).name() + "' is computed by no node");
    if (it->second.kind != ImportValue::Kind::Layer)
        fail("the output '" + g.output(0).name() + "' is a constant, not computed from the input");
    // What ONNX declares must be what Strata computes.
    auto compare = [&](const onnx::ValueInfoProto &info) {
        auto v = values_.find(info.name());
        if (v == values_.end() || v->second.kind != ImportValue::Kind::Layer ||
            !info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
            return;
        const auto &dims = info.type().tensor_type().shape().dim();
        const Shape &ours = v->second.onnxShape;
        bool same = dims.size() == static_cast<int>(ours.size()) + 1;
        for (int i = 1; same && i < dims.size(); ++i)
            same = !dims[i].has_dim_value() || dims[i].dim_value() == ours[i - 1];
        if (!same) {
            std::string declared;
            for (int i = 1; i < dims.size(); ++i)
                declared += (i > 1 ? "×" : "") + (dims[i].has_dim_value()
                                                      ? std::to_string(dims[i].dim_value())
                                                      : std::string("?"));
            fail("the model declares '" + info.name() + "' as " + declared +
                 " per sample, but Strata computes " + shapeText(ours) +
                 " from the layers before it; the file is inconsistent or uses an op "
                 "differently from ONNX's definition");
        }
    };
    for (const auto &info : g.value_info())
        compare(info);
    for (const auto &info : g.output())
        compare(info);
}

std::string OnnxImporter::idFor(const onnx::NodeProto &n, const std::string &type) const
{
    // "/conv1/Conv" (PyTorch's naming) → "conv1"; "features.0" → "features_0".
    std::vector<std::string> parts;
    std::string part;
    for (char c : n.name() + "/") {
        if (c == '/') {
            if (!part.empty())
                parts.push_back(part);
            part.clear();
        } else {
            part += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
        }
    }
    if (parts.size() > 1 && parts.back() == n.op_type())
        parts.pop_back();
    // "/Relu_1" names only the op: the Strata type gives a better id ("relu_1").
    if (parts.size() == 1 && parts[0].rfind(n.op_type(), 0) == 0 &&
        parts[0].find_first_not_of("_0123456789", n.op_type().size()) == std::string::npos)
        parts.clear();
    std::string id;
    for (const std::string &p : parts)
        id += (id.empty() ? "" : "_") + p;
    if (id.size() > 48)
        id = id.substr(id.size() - 48);
    if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) {
        std::string base;
        for (char c : type)
            base += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return graph_.uniqueId(base);
    }
    return graph_.find(id) ? graph_.uniqueId(id) : id;
}

std::string OnnxImporter::addLayer(const onnx::NodeProto &n, const std::string &typeName,
                                   nlohmann::json params, const std::vector<std::string> &inputs,
                                   std::vector<std::pair<std::string, Tensor>> weights)
{
    const LayerRegistry &registry = LayerRegistry::instance();
    const LayerType &type = registry.get(typeName);
    Node node;
    node.id = idFor(n, typeName);
    node.type = typeName;
    node.params = std::move(params);
    std::vector<Shape> shapes;
    for (const std::string &in : inputs)
        shapes.push_back(layerShapes_.at(in));
    nlohmann::json resolved;
    ShapeInfo info;
    std::vector<WeightSpec> specs;
    try {
        resolved = registry.resolveParams(node);
        info = type.inferShape(node, resolved, shapes);
        specs = type.weights(node, resolved, shapes);
    } catch (const ShapeError &e) {
        fail(n, "becomes " + typeName + " in Strata, which refuses it: " + e.what());
    }
    for (const WeightSpec &spec : specs) {
        auto w = std::find_if(weights.begin(), weights.end(),
                              [&](const auto &p) { return p.first == spec.name; });
        if (w == weights.end())
            throw std::logic_error("ONNX import: no " + spec.name + " for " + typeName);
        if (w->second.shape() != spec.shape)
            fail(n, "has a " + spec.name + " of shape " + shapeText(w->second.shape()) +
                        " but its " + typeName + " layer needs " + shapeText(spec.shape));
    }
    if (specs.size() != weights.size())
        throw std::logic_error("ONNX import: unexpected weights for " + typeName);
    const std::string id = graph_.addNode(node);
    for (size_t i = 0; i < inputs.size(); ++i)
        graph_.connect({{inputs[i], 0}, {id, static_cast<int>(i)}});
    layerShapes_[id] = info.output;
    weights_[id] = std::move(weights);
    return id;
}

void OnnxImporter::setOutput(const onnx::NodeProto &n, ImportValue v)
{
    if (n.output_size() == 0 || n.output(0).empty())
        fail(n, "has no output");
    values_[n.output(0)] = std::move(v);
}

void OnnxImporter::setLayerOutput(const onnx::NodeProto &n, const std::string &id)
{
    ImportValue v;
    v.node = id;
    v.onnxShape = v.strataShape = layerShapes_.at(id);
    setOutput(n, std::move(v));
}

std::vector<const onnx::NodeProto *> OnnxImporter::consumers(const std::string &value) const
{
    std::vector<const onnx::NodeProto *> found;
    for (const auto &n : model_.graph().node())
        if (std::find(n.input().begin(), n.input().end(), value) != n.input().end())
            found.push_back(&n);
    return found;
}

bool OnnxImporter::isGraphOutput(const std::string &value) const
{
    const auto &outs = model_.graph().output();
    return std::any_of(outs.begin(), outs.end(),
                       [&](const onnx::ValueInfoProto &o) { return o.name() == value; });
}

ImportResult OnnxImporter::run()
{
    checkOpset();
    checkOps();
    for (const auto &n : model_.graph().node())
        for (const auto &in : n.input())
            ++uses_[in];
    for (const auto &out : model_.graph().output())
        ++uses_[out.name()];
    readInitializers();
    readInput();
    for (const auto &n : model_.graph().node())
        convert(n);
    checkOutputAndShapes();
    return result();
}

ImportResult OnnxImporter::result()
{
    const ImportValue &out = values_.at(model_.graph().output(0).name());
    // Layers computing values that lead nowhere would be extra outputs.
    const GraphAnalysis analysis = analyze(graph_);
    if (!analysis.ok()) {
        std::string text = "the imported graph is not a valid Strata model:";
        for (const std::string &p : analysis.problems(graph_))
            text += "\n  " + p;
        fail(text);
    }
    if (analysis.outputNode != out.node)
        fail("the model's output is not computed by its last layer");

    ImportResult r;
    std::map<std::string, std::string> meta;
    for (const auto &p : model_.metadata_props())
        meta[p.key()] = p.value();
    try {
        if (meta.count("normalization"))
            r.weights.normalization =
                normalizationFromJson(nlohmann::json::parse(meta["normalization"]));
        if (meta.count("class_names"))
            r.weights.classNames =
                nlohmann::json::parse(meta["class_names"]).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception &) {
        notes_.push_back("Ignored the model's metadata 'normalization' and 'class_names': "
                         "they are not the JSON Strata writes");
        r.weights = WeightsFile{};
    }
    for (const Node &node : graph_.nodes())
        for (auto &[name, tensor] : weights_[node.id])
            r.weights.weights.emplace_back(node.id + "." + name, tensor);

    Project &p = r.project;
    const std::string stem = std::filesystem::path(path_).stem().string();
    const std::string &graphName = model_.graph().name();
    p.name = graphName.empty() || graphName == "main_graph" || graphName.rfind("torch", 0) == 0
                 ? stem
                 : graphName;
    p.description = "Imported from " + std::filesystem::path(path_).filename().string() +
                    (model_.producer_name().empty() ? std::string()
                                                    : " (made by " + model_.producer_name() + " " +
                                                          model_.producer_version() + ")") +
                    (model_.doc_string().empty() ? "" : ". " + model_.doc_string());
    p.graph = graph_;

    // The loss that gives the model's output its meaning.
    const std::string last = graph_.find(out.node)->type;
    const std::string activation = meta.count("output_activation") ? meta["output_activation"] : "";
    if (outputFusedWithLoss(LossKind::CrossEntropy, last) || activation == "softmax") {
        p.training.loss = "cross_entropy";
    } else if (outputFusedWithLoss(LossKind::BinaryCrossEntropy, last) || activation == "sigmoid") {
        p.training.loss = "binary_cross_entropy";
    } else if (activation == "none") {
        p.training.loss = "mse";
    } else if (numel(out.strataShape) > 1) {
        p.training.loss = "cross_entropy";
        notes_.push_back("The model ends without Softmax: its " +
                         std::to_string(numel(out.strataShape)) +
                         " outputs are taken as class scores (logits), so training uses "
                         "cross-entropy and predictions apply softmax");
    } else {
        p.training.loss = "binary_cross_entropy";
        notes_.push_back("The model ends in one output without Sigmoid: it is taken as a logit, "
                         "so training uses binary cross-entropy and predictions apply sigmoid");
    }
    notes_.push_back("Choose the dataset before training: the model takes samples of " +
                     toString(layerShapes_.at(analysis.inputNode)) +
                     " (the project starts with the built-in XOR set as a placeholder)");
    r.notes = notes_;
    return r;
}

} // namespace internal

ImportResult importOnnx(const std::string &path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ImportError(path + ": is a folder; pass an ONNX model file (.onnx)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ImportError(path + ": cannot open the file (" + std::strerror(errno) + ")");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        throw ImportError(path + ": the file is empty; expected an ONNX model");
    onnx::ModelProto model;
    if (!model.ParseFromString(bytes))
        throw ImportError(path + ": not an ONNX model (the file does not parse as an ONNX "
                                 "protobuf; it may be damaged, truncated or another format)");
    if (model.ir_version() <= 0 || !model.has_graph())
        throw ImportError(path + ": not an ONNX model (it has no " +
                          (model.ir_version() <= 0 ? "IR version" : "graph") + ")");
    internal::fuseNormChains(*model.mutable_graph());
    internal::fuseChannelShuffles(*model.mutable_graph());
    internal::fuseAdaptivePools(*model.mutable_graph());
    return internal::OnnxImporter(path, model).run();
}

} // namespace strata
