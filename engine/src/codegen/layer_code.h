#pragma once
// How a layer type is written as PyTorch and Keras code: the registry's code-export hook
// (LayerImpl::code), used by exportPytorch and exportKeras to generate readable model.py
// files. The exporters walk the graph, name each node and its tensors, and ask each node's
// type for the module or layer that computes it and for how its weights map onto the
// framework's tensors.

#include "strata/graph.h"
#include "strata/tensor.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace strata {

// One node as the code generators see it.
struct CodeContext
{
    const Node &node;
    const nlohmann::json &params;       // resolved: every schema parameter present and valid
    std::vector<Shape> inputs;          // per input port, per sample, Strata's layout (C×H×W)
    Shape output;                       // per sample
    std::string attr;                   // the Python identifier chosen for this node ("conv1")
    std::vector<std::string> inputVars; // PyTorch: the variables holding the inputs
    // Keras only (the generated Keras model is channels-last, H×W×C):
    // - for Dense: set to the C×H×W shape when its flat input is a Flatten of that image
    //   with only element-wise layers between, so Keras lays the features out H×W×C and the
    //   kernel's rows must be reordered when Strata's weights are loaded;
    std::vector<int64_t> flattenedFrom;
    // - for Flatten: true when the flat order matters to something other than such a Dense
    //   (a Concat, Add, BatchNorm, the model's output): the generated model permutes the image
    //   to C×H×W before flattening so the features come out in Strata's order.
    bool permuteToChannelsFirst = false;
};

// How one Strata weight ("<node id>.<weight>") becomes one framework tensor.
struct CodeWeight
{
    std::string strata; // the Strata weight name: "weight", "gamma", ...
    std::string target; // the framework's name: "weight", "kernel", "moving_mean", ...
    // A Python expression over `w`, the Strata array (numpy, Strata's layout), giving the
    // framework's array; "w" when the layouts agree.
    std::string convert = "w";
    std::string comment; // why the conversion, e.g. "OIHW → HWIO"
};

struct TorchCode
{
    // The module built in __init__ ("nn.Conv2d(3, 6, kernel_size=5)"); empty for layers that
    // are plain expressions in forward (Add, Concat, GlobalAvgPool2D, Input).
    std::string module;
    // The expression forward() evaluates, over CodeContext::inputVars and self.<attr>.
    std::string forward;
    std::vector<CodeWeight> weights; // module attributes (target is the attribute name)
    // Helpers forward() needs beyond torch and nn: "F" (torch.nn.functional), "math",
    // "avg_pool_padded" (a function defined in the generated model.py).
    std::vector<std::string> needs;
    std::string comment; // one line above the module, when the mapping needs explaining
};

struct KerasCode
{
    // Layer constructions applied in order (usually one): "layers.Conv2D(6, 5, name=\"conv1\")".
    // Empty for Input, which the generator writes as keras.Input.
    std::vector<std::string> layers;
    std::vector<CodeWeight> weights; // in layer.set_weights() order, for the last layer
    std::string comment;
};

struct LayerCode
{
    TorchCode torch;
    KerasCode keras;
};

} // namespace strata
