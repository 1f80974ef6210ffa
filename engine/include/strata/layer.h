#pragma once
// The layer registry: the single source of truth for every layer type. Each type registers
// once with its category, ports, parameter schema, shape rule, weights and per-backend
// kernels. The palette, inspector, validation, summary and export derive from it.

#include "strata/errors.h"
#include "strata/graph.h"
#include "strata/layer_code.h"
#include "strata/tensor.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace strata {

class Backend;
class Kernel;
namespace internal {
class OnnxContext; // engine/src/onnx/onnx_context.h
}

enum class ParamType { Int, Float, Bool, Choice, String };

struct ParamSpec
{
    std::string name;
    ParamType type = ParamType::Int;
    nlohmann::json defaultValue;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices; // for Choice
    std::string help;                 // one line, shown as a tooltip
};

// What a node produces for one sample (batch excluded).
struct ShapeInfo
{
    Shape output;
    int64_t flops = 0; // forward FLOPs per sample (a multiply-add counts 2)
};

enum class Init {
    Zeros,
    Ones,
    GlorotUniform,  // Keras default for kernels: U(±sqrt(6 / (fanIn + fanOut)))
    KaimingUniform, // PyTorch default for weights: U(±1 / sqrt(fanIn))
    BiasFanIn,      // PyTorch default for biases: U(±1 / sqrt(fanIn))
};

struct WeightSpec
{
    std::string name; // "weight", "bias", "gamma", "running_mean", ...
    Shape shape;
    // Initialisation under the Keras convention and under the PyTorch convention.
    Init kerasInit = Init::Zeros;
    Init torchInit = Init::Zeros;
    int64_t fanIn = 1;
    int64_t fanOut = 1;
    bool trainable = true;
};

// How a backend's kernel for a layer type treats channel-blocked layouts. A 4-D activation
// {N, C, H, W} is plain (channel block 1) or stored as [N][C/B][H][W][B] (channel block B,
// oneDNN's nChw8c and nChw16c), which its fast convolutions read and write directly; letting
// that layout flow from one such layer to the next saves a reorder on each side. A tensor's
// gradient always has the tensor's own layout. Only layouts with C a multiple of B are used,
// so a blocked tensor holds exactly as many floats as the plain one.
enum class LayoutUse {
    PlainOnly,    // reads and writes plain tensors (the default)
    FollowsInput, // one input in any channel block; output and input gradient in the same
    Chooses,      // one input in any channel block; picks its output's block when allowed
};

// Everything a kernel needs to set itself up, for one node on one backend at one batch size.
struct KernelSetup
{
    const Node &node;
    const nlohmann::json &params;   // resolved: every schema parameter present and valid
    std::vector<Shape> inputShapes; // with batch
    Shape outputShape;              // with batch
    std::vector<Tensor> weights;    // in WeightSpec order (views of the network's storage)
    std::vector<Tensor> weightGrads;
    Backend &backend;
    // Channel block of each input as it arrives (1: plain; see LayoutUse). Empty: all plain.
    std::vector<int64_t> inputBlocks = {};
    // True when every consumer of the output takes a blocked layout, so a `Chooses` kernel
    // may pick one (the network's output and what feeds plain-only layers stay plain).
    bool blockedOutputAllowed = false;
    // True when the input is a ReLU's input and the kernel applies the ReLU itself (only for
    // layer types that list the backend in LayerType::absorbsRelu).
    bool inputRelu = false;

    int64_t inputBlock(size_t port) const
    {
        return port < inputBlocks.size() ? inputBlocks[port] : 1;
    }
};

using KernelFactory = std::function<std::unique_ptr<Kernel>(const KernelSetup &)>;

struct LayerType
{
    std::string name;     // "Conv2D"
    std::string category; // "Core", "Convolution", "Pooling", "Activation", ...
    std::string help;     // one line for the palette
    std::vector<ParamSpec> params;
    // Number of input ports for resolved params (Input has 0; Add/Concat take a count).
    std::function<int(const nlohmann::json &params)> inputCount = [](const nlohmann::json &) {
        return 1;
    };
    // Throws ShapeError (naming node.id, saying how to fix it) on impossible inputs.
    std::function<ShapeInfo(const Node &node, const nlohmann::json &params,
                            const std::vector<Shape> &inputs)>
        inferShape;
    std::function<std::vector<WeightSpec>(const Node &node, const nlohmann::json &params,
                                          const std::vector<Shape> &inputs)>
        weights = [](const Node &, const nlohmann::json &, const std::vector<Shape> &) {
            return std::vector<WeightSpec>{};
        };
    std::map<std::string, KernelFactory> kernels; // backend kind ("cpu", "reference", "cuda")
    // Backend kind → how its kernel treats blocked layouts; a kind not listed is PlainOnly.
    std::map<std::string, LayoutUse> layouts;
    // Backend kinds whose kernel can take the input of a ReLU that feeds only this layer and
    // apply the ReLU itself (KernelSetup::inputRelu); the network then skips the ReLU's own
    // passes over memory. Max pooling can, since max(relu(x)) = relu(max(x)).
    std::set<std::string> absorbsRelu;
    // Writes the node as ONNX (opset 13) nodes and initialisers through the context; empty
    // when the type has no ONNX form (export then names the node and refuses).
    std::function<void(internal::OnnxContext &)> onnx;
    // The PyTorch and Keras code for a node (generated model.py files; see layer_code.h).
    std::function<LayerCode(const CodeContext &context)> code;
};

class LayerRegistry
{
public:
    // The registry with every built-in layer and kernel registered.
    static LayerRegistry &instance();

    void add(LayerType type);
    // Registers a kernel for an existing type.
    void addKernel(const std::string &type, const std::string &backendKind, KernelFactory f);

    const LayerType *find(const std::string &name) const;
    const LayerType &get(const std::string &name) const; // throws Error when unknown
    std::vector<const LayerType *> all() const;          // in registration order

    // The node's params with defaults filled in, checked against the schema. Throws
    // ShapeError naming the node, the parameter and the allowed values.
    nlohmann::json resolveParams(const Node &node) const;

private:
    std::vector<std::unique_ptr<LayerType>> types_;
};

// Helpers for layer definitions.
ParamSpec intParam(std::string name, int64_t def, double min, double max, std::string help);
ParamSpec floatParam(std::string name, double def, double min, double max, std::string help);
ParamSpec boolParam(std::string name, bool def, std::string help);
ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices,
                      std::string help);

// "Conv2D 'conv1'": how messages name a node.
std::string describe(const Node &node);

} // namespace strata
