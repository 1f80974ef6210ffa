#pragma once
// The layer registry: the single source of truth for every layer type. Each type registers
// once with its category, ports, parameter schema, shape rule, weights and per-backend
// kernels. The palette, inspector, validation, summary and export derive from it.
//
// This header is the schema a client sees (names, categories, help, parameters, ports, shape
// rule, weights). A type's kernels, layout rules and export hooks are engine internals that
// the registry keeps beside it (internal::LayerImpl in engine/src/core/layer_impl.h).

#include "strata/errors.h"
#include "strata/graph.h"
#include "strata/tensor.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace strata {

namespace internal {
struct LayerImpl;       // engine/src/core/layer_impl.h
struct LayerDefinition; // a LayerType with its LayerImpl, for registration
} // namespace internal

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
    // For an Int whose minimum means "not used" or "automatic" (an Input's height for a
    // feature vector, a pooling stride of 0): what an editor shows instead of that number.
    std::string unsetText;
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
    Quarter,        // 0.25 everywhere: PyTorch's PReLU slopes
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
    // The parameters these values make irrelevant (an image Input's `features`), so an editor
    // can say they are not used; none by default.
    std::function<std::vector<std::string>(const nlohmann::json &params)> unusedParams =
        [](const nlohmann::json &) { return std::vector<std::string>{}; };
};

class LayerRegistry
{
public:
    // The registry with every built-in layer and kernel registered.
    static LayerRegistry &instance();

    LayerRegistry();
    ~LayerRegistry();
    LayerRegistry(const LayerRegistry &) = delete;
    LayerRegistry &operator=(const LayerRegistry &) = delete;

    // Engine internal (the definitions are in engine/src/core/layer_impl.h): registers a type
    // with its kernels and hooks (throws Error when the name is taken), and reads them back.
    void add(internal::LayerDefinition definition);
    const internal::LayerImpl &impl(const LayerType &type) const;

    const LayerType *find(const std::string &name) const;
    const LayerType &get(const std::string &name) const; // throws Error when unknown
    std::vector<const LayerType *> all() const;          // in registration order

    // The node's params with defaults filled in, checked against the schema. Throws
    // ShapeError naming the node, the parameter and the allowed values.
    nlohmann::json resolveParams(const Node &node) const;

private:
    struct Entry; // the schema and its LayerImpl
    std::vector<std::unique_ptr<Entry>> types_;
};

// Helpers for layer definitions.
// unsetText: see ParamSpec::unsetText (empty: the minimum is an ordinary value).
ParamSpec intParam(std::string name, int64_t def, double min, double max, std::string help,
                   std::string unsetText = {});
ParamSpec floatParam(std::string name, double def, double min, double max, std::string help);
ParamSpec boolParam(std::string name, bool def, std::string help);
ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices,
                      std::string help);

// "Conv2D 'conv1'": how messages name a node.
std::string describe(const Node &node);

} // namespace strata
