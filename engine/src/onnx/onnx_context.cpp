#include "onnx/onnx_context.h"

#include <stdexcept>

namespace strata::internal {

OnnxNode &OnnxNode::attrInt(const std::string &name, int64_t value)
{
    OnnxAttribute a;
    a.name = name;
    a.kind = OnnxAttribute::Kind::Int;
    a.i = value;
    attributes.push_back(std::move(a));
    return *this;
}

OnnxNode &OnnxNode::attrFloat(const std::string &name, float value)
{
    OnnxAttribute a;
    a.name = name;
    a.kind = OnnxAttribute::Kind::Float;
    a.f = value;
    attributes.push_back(std::move(a));
    return *this;
}

OnnxNode &OnnxNode::attrTensor(const std::string &name, Tensor value)
{
    OnnxAttribute a;
    a.name = name;
    a.kind = OnnxAttribute::Kind::Tensor;
    a.tensor = std::move(value);
    attributes.push_back(std::move(a));
    return *this;
}

OnnxNode &OnnxNode::attrIntTensor(const std::string &name, std::vector<int64_t> values)
{
    OnnxAttribute a;
    a.name = name;
    a.kind = OnnxAttribute::Kind::IntTensor;
    a.ints = std::move(values);
    attributes.push_back(std::move(a));
    return *this;
}

OnnxNode &OnnxNode::attrInts(const std::string &name, std::vector<int64_t> values)
{
    OnnxAttribute a;
    a.name = name;
    a.kind = OnnxAttribute::Kind::Ints;
    a.ints = std::move(values);
    attributes.push_back(std::move(a));
    return *this;
}

OnnxNode &OnnxNode::attrString(const std::string &name, std::string value)
{
    OnnxAttribute a;
    a.name = name;
    a.kind = OnnxAttribute::Kind::String;
    a.s = std::move(value);
    attributes.push_back(std::move(a));
    return *this;
}

OnnxContext::OnnxContext(const Node &node, const nlohmann::json &params,
                         std::vector<std::string> inputs, std::vector<Shape> inputShapes,
                         Shape outputShape, std::map<std::string, Tensor> weights,
                         OnnxModelParts &model)
    : node_(node), params_(params), inputs_(std::move(inputs)),
      inputShapes_(std::move(inputShapes)), outputShape_(std::move(outputShape)),
      weights_(std::move(weights)), model_(model)
{
}

std::string OnnxContext::intermediate(const std::string &suffix) const
{
    return node_.id + "/" + suffix;
}

std::string OnnxContext::weight(const std::string &name)
{
    auto it = weights_.find(name);
    // The exporter checks every weight against the graph before any layer runs.
    if (it == weights_.end())
        throw std::logic_error("ONNX export: " + describe(node_) + " has no weight '" + name + "'");
    return weight(name, it->second.shape());
}

std::string OnnxContext::weight(const std::string &name, const Shape &shape)
{
    auto it = weights_.find(name);
    if (it == weights_.end())
        throw std::logic_error("ONNX export: " + describe(node_) + " has no weight '" + name + "'");
    const std::string full = node_.id + "." + name;
    model_.initializers.emplace_back(full, it->second.reshaped(shape));
    return full;
}

OnnxNode &OnnxContext::addNode(const std::string &opType, std::vector<std::string> inputs,
                               const std::string &output, const std::string &suffix)
{
    OnnxNode n;
    n.opType = opType;
    n.name = suffix.empty() ? node_.id : node_.id + "/" + suffix;
    n.inputs = std::move(inputs);
    n.outputs = {output};
    model_.nodes.push_back(std::move(n));
    return model_.nodes.back();
}

void OnnxContext::addGraphInput()
{
    model_.inputs.push_back({node_.id, outputShape_});
}

void OnnxContext::skip(const std::string &why)
{
    skipped_ = true;
    model_.notes.push_back(describe(node_) + " left out: " + why);
}

} // namespace strata::internal
