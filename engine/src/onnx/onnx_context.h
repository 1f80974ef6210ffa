#pragma once
// How a layer type writes itself as ONNX. Each layer family's <family>_onnx.cpp gets an
// OnnxContext for one node and adds ONNX nodes and initialisers through it. The context
// collects a plain description of the model (no protobuf here, so the layers do not depend
// on it); onnx_export.cpp turns that description into an ONNX ModelProto.

#include "strata/layer.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace strata::internal {

constexpr int64_t kOnnxOpset = 13;
// The name of the dynamic batch dimension in the exported model.
inline constexpr const char *kOnnxBatchDim = "batch";

struct OnnxAttribute
{
    enum class Kind { Int, Float, Ints, Tensor, IntTensor, String };
    std::string name;
    Kind kind = Kind::Int;
    int64_t i = 0;
    float f = 0;
    std::vector<int64_t> ints;
    Tensor tensor; // a float tensor (Constant's `value`)
    // IntTensor: `ints` as a 1-D int64 tensor (a Reshape's shape as Constant's `value`)
    std::string s; // String (Resize's mode)
};

struct OnnxNode
{
    std::string opType; // "Conv", "Gemm", ...
    std::string name;
    std::vector<std::string> inputs;  // value names
    std::vector<std::string> outputs; // value names
    std::vector<OnnxAttribute> attributes;

    OnnxNode &attrInt(const std::string &name, int64_t value);
    OnnxNode &attrFloat(const std::string &name, float value);
    OnnxNode &attrInts(const std::string &name, std::vector<int64_t> values);
    OnnxNode &attrTensor(const std::string &name, Tensor value);
    OnnxNode &attrIntTensor(const std::string &name, std::vector<int64_t> values);
    OnnxNode &attrString(const std::string &name, std::string value);
};

// A named value with its shape, batch excluded (the batch dimension is dynamic).
struct OnnxValue
{
    std::string name;
    Shape shape;
};

// The model as the layers describe it, in the order they wrote it.
struct OnnxModelParts
{
    std::vector<OnnxValue> inputs;
    std::vector<OnnxNode> nodes;
    std::vector<std::pair<std::string, Tensor>> initializers;
    std::vector<OnnxValue> valueInfo; // every layer's output shape
    std::vector<std::string> notes;   // what was left out or changed, for the export report
};

class OnnxContext
{
public:
    // weights: the node's weights by WeightSpec name ("weight", "bias", ...).
    OnnxContext(const Node &node, const nlohmann::json &params, std::vector<std::string> inputs,
                std::vector<Shape> inputShapes, Shape outputShape,
                std::map<std::string, Tensor> weights, OnnxModelParts &model);

    const Node &node() const { return node_; }
    const nlohmann::json &params() const { return params_; }               // resolved
    const std::vector<std::string> &inputs() const { return inputs_; }     // one per input port
    const std::vector<Shape> &inputShapes() const { return inputShapes_; } // batch excluded
    const Shape &outputShape() const { return outputShape_; }              // batch excluded
    // The value the layer's result must be written to: the node's id.
    const std::string &output() const { return node_.id; }
    // "<id>/<suffix>": a value between the ONNX nodes of one layer.
    std::string intermediate(const std::string &suffix) const;

    // Adds the node's weight as the initialiser "<id>.<name>" and returns that name.
    std::string weight(const std::string &name);
    // The same, reshaped to `shape` (as many values), e.g. PReLU's {C} slopes as {C, 1, 1}
    // so that they broadcast over an image.
    std::string weight(const std::string &name, const Shape &shape);
    // Adds an ONNX node named after the layer's id (with "/<suffix>" for helper nodes); the
    // reference is valid until the next addNode.
    OnnxNode &addNode(const std::string &opType, std::vector<std::string> inputs,
                      const std::string &output, const std::string &suffix = "");
    // Declares the node's output as a graph input (for Input layers).
    void addGraphInput();
    // Leaves the layer out: its output is its first input. `why` goes into the report.
    void skip(const std::string &why);
    bool skipped() const { return skipped_; }

private:
    const Node &node_;
    const nlohmann::json &params_;
    std::vector<std::string> inputs_;
    std::vector<Shape> inputShapes_;
    Shape outputShape_;
    std::map<std::string, Tensor> weights_;
    OnnxModelParts &model_;
    bool skipped_ = false;
};

} // namespace strata::internal
