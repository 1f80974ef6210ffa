// The ONNX writer: walks the graph in topological order, lets each node's layer type add its
// ONNX nodes through its registry entry (LayerImpl::onnx), and writes the ModelProto
// (opset 13, dynamic batch, metadata) with the generated protobuf classes of libonnx-dev.

#include "strata/export.h"

#include "core/layer_impl.h"
#include "io/atomic_file.h"
#include "io/export_check.h"
#include "onnx/onnx_context.h"
#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/layer.h"
#include "strata/training_spec.h"

#include <onnx/onnx_pb.h>

#include <bit>
#include <limits>
#include <set>

#ifndef STRATA_VERSION
#define STRATA_VERSION "0"
#endif

namespace strata {

namespace {

using internal::OnnxAttribute;
using internal::OnnxContext;
using internal::OnnxModelParts;

// Every layer writes its ONNX nodes; the result names the value holding the model's output.
OnnxModelParts describeModel(const Graph &graph, const internal::CheckedModel &m,
                             std::string &outputValue)
{
    const LayerRegistry &registry = LayerRegistry::instance();
    OnnxModelParts parts;
    std::map<std::string, std::string> valueOf; // node id → the ONNX value holding its output
    for (const std::string &id : graph.topologicalOrder()) {
        const Node &node = *graph.find(id);
        const NodeAnalysis &a = *m.analysis.find(id);
        const LayerType &type = registry.get(node.type);
        const internal::LayerImpl &impl = registry.impl(type);
        if (!impl.onnx)
            throw Error("Cannot export " + describe(node) + " to ONNX: the " + node.type +
                        " layer has no ONNX form yet");
        std::vector<std::string> inputs;
        const int ports = graph.inputPortCount(node);
        for (int port = 0; port < ports; ++port)
            inputs.push_back(valueOf.at(graph.edgeInto({id, port})->from.node));
        std::map<std::string, Tensor> weights;
        for (const WeightSpec &w : type.weights(node, a.resolvedParams, a.inputs))
            weights[w.name] = m.weights.at(id + "." + w.name);

        OnnxContext ctx(node, a.resolvedParams, inputs, a.inputs, a.output, std::move(weights),
                        parts);
        const size_t nodesBefore = parts.nodes.size(), inputsBefore = parts.inputs.size();
        impl.onnx(ctx);
        if (ctx.skipped()) {
            valueOf[id] = inputs.at(0);
            continue;
        }
        bool written = parts.inputs.size() > inputsBefore;
        for (size_t i = nodesBefore; i < parts.nodes.size(); ++i)
            for (const std::string &o : parts.nodes[i].outputs)
                written = written || o == id;
        if (!written)
            throw std::logic_error("ONNX export: " + describe(node) + " wrote no output");
        valueOf[id] = id;
        if (parts.inputs.size() == inputsBefore)
            parts.valueInfo.push_back({id, a.output});
    }
    outputValue = valueOf.at(m.analysis.outputNode);
    return parts;
}

void setShape(onnx::ValueInfoProto &v, const std::string &name, const Shape &shape)
{
    v.set_name(name);
    auto *tensor = v.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    auto *dims = tensor->mutable_shape();
    dims->add_dim()->set_dim_param(internal::kOnnxBatchDim);
    for (int64_t d : shape)
        dims->add_dim()->set_dim_value(d);
}

void setInitializer(onnx::TensorProto &t, const std::string &name, const Tensor &value)
{
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : value.shape())
        t.add_dims(d);
    static_assert(std::endian::native == std::endian::little,
                  "ONNX raw_data is little-endian: convert the floats on this machine");
    t.set_raw_data(value.data(), sizeof(float) * static_cast<size_t>(value.numel()));
}

void setAttribute(onnx::NodeProto &n, const OnnxAttribute &a)
{
    auto *attr = n.add_attribute();
    attr->set_name(a.name);
    switch (a.kind) {
    case OnnxAttribute::Kind::Int:
        attr->set_type(onnx::AttributeProto::INT);
        attr->set_i(a.i);
        break;
    case OnnxAttribute::Kind::Float:
        attr->set_type(onnx::AttributeProto::FLOAT);
        attr->set_f(a.f);
        break;
    case OnnxAttribute::Kind::Ints:
        attr->set_type(onnx::AttributeProto::INTS);
        for (int64_t v : a.ints)
            attr->add_ints(v);
        break;
    case OnnxAttribute::Kind::Tensor:
        attr->set_type(onnx::AttributeProto::TENSOR);
        setInitializer(*attr->mutable_t(), "", a.tensor);
        break;
    case OnnxAttribute::Kind::IntTensor: {
        attr->set_type(onnx::AttributeProto::TENSOR);
        onnx::TensorProto &t = *attr->mutable_t();
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(static_cast<int64_t>(a.ints.size()));
        for (int64_t v : a.ints)
            t.add_int64_data(v);
        break;
    }
    case OnnxAttribute::Kind::String:
        attr->set_type(onnx::AttributeProto::STRING);
        attr->set_s(a.s);
        break;
    }
}

void addMetadata(onnx::ModelProto &model, const std::string &key, const std::string &value)
{
    auto *p = model.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
}

// What to apply to the output to get the class probabilities strata-cli predict prints
// (the same rule as Network::probabilities).
std::string outputActivation(const Project &project, const std::string &lastType)
{
    const LossKind loss = parseLossKind(project.training.loss);
    if (outputFusedWithLoss(loss, lastType))
        return "none";
    if (loss == LossKind::CrossEntropy)
        return "softmax";
    if (loss == LossKind::BinaryCrossEntropy)
        return "sigmoid";
    return "none";
}

void writeModel(const onnx::ModelProto &model, const std::string &path)
{
    internal::writeFileAtomically(path, [&](std::ostream &out) {
        if (!model.SerializeToOstream(&out))
            out.setstate(std::ios::badbit);
    });
}

} // namespace

ExportReport exportOnnx(const Project &project, const WeightsFile &weights, const std::string &out)
{
    const internal::CheckedModel m = internal::checkExport(project, weights);
    std::string outputValue;
    const OnnxModelParts parts = describeModel(project.graph, m, outputValue);
    const std::string outputName = m.analysis.outputNode;
    const NodeAnalysis &output = *m.analysis.find(outputName);

    onnx::ModelProto model;
    model.set_ir_version(7); // the IR version of opset 13
    model.set_producer_name("Strata");
    model.set_producer_version(STRATA_VERSION);
    model.set_doc_string(project.description);
    auto *opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(internal::kOnnxOpset);

    onnx::GraphProto &graph = *model.mutable_graph();
    graph.set_name(project.name);
    for (const auto &in : parts.inputs)
        setShape(*graph.add_input(), in.name, in.shape);
    uint64_t bytes = 0;
    std::set<std::string> written;
    for (const auto &[name, value] : parts.initializers) {
        if (!written.insert(name).second)
            continue;
        setInitializer(*graph.add_initializer(), name, value);
        bytes += sizeof(float) * static_cast<uint64_t>(value.numel());
    }
    // Protobuf cannot serialise a message of 2 GiB or more.
    if (bytes >= (uint64_t(1) << 31) - (uint64_t(1) << 24))
        throw Error("The model's weights take " + std::to_string(bytes >> 20) +
                    " MiB, more than one ONNX file can hold (2 GiB): make the model smaller");
    for (const auto &n : parts.nodes) {
        auto *node = graph.add_node();
        node->set_op_type(n.opType);
        node->set_name(n.name);
        for (const auto &i : n.inputs)
            node->add_input(i);
        for (const auto &o : n.outputs)
            node->add_output(o);
        for (const auto &a : n.attributes)
            setAttribute(*node, a);
    }
    // A model whose last layer is left out (Dropout) still has an output named after it.
    if (outputValue != outputName) {
        auto *node = graph.add_node();
        node->set_op_type("Identity");
        node->set_name(outputName);
        node->add_input(outputValue);
        node->add_output(outputName);
    }
    setShape(*graph.add_output(), outputName, output.output);
    for (const auto &v : parts.valueInfo)
        if (v.name != outputName)
            setShape(*graph.add_value_info(), v.name, v.shape);

    addMetadata(model, "class_names", nlohmann::json(weights.classNames).dump());
    addMetadata(model, "normalization", toJson(weights.normalization).dump());
    addMetadata(model, "output_activation",
                outputActivation(project, project.graph.find(outputName)->type));
    addMetadata(model, "input_name", parts.inputs.empty() ? "" : parts.inputs.front().name);
    addMetadata(model, "output_name", outputName);

    writeModel(model, out);
    ExportReport report;
    report.files.push_back(out);
    report.notes = parts.notes;
    if (!m.unused.empty())
        report.notes.push_back("Left out " + std::to_string(m.unused.size()) +
                               " tensor(s) of the weights file that the graph does not use");
    return report;
}

} // namespace strata
