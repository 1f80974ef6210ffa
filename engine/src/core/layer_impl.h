#pragma once
// The engine-internal side of a layer type: its kernel per backend, how those kernels treat
// channel-blocked layouts, which fusions they allow, and its ONNX and code-export hooks. The
// registry keeps one LayerImpl beside each public LayerType (strata/layer.h); a layer family
// fills both in one LayerDefinition in its registration file.

#include "codegen/layer_code.h"
#include "core/kernel.h"
#include "strata/layer.h"
#include "strata/precision.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace strata {

class Backend;

namespace internal {
class OnnxContext; // onnx/onnx_context.h
}

// How a backend's kernel for a layer type treats channel-blocked layouts. A 4-D activation
// {N, C, H, W} is plain (channel block 1) or stored as [N][C/B][H][W][B] (channel block B,
// oneDNN's nChw8c and nChw16c), which its fast convolutions read and write directly; letting
// that layout flow from one such layer to the next saves a reorder on each side. A tensor's
// gradient always has the tensor's own layout. Only layouts with C a multiple of B are used,
// so a blocked tensor holds exactly as many floats as the plain one.
enum class LayoutUse {
    PlainOnly, // reads and writes plain tensors (the default)
    // Inputs in any channel block (each input's gradient in its own); the output in the
    // first input's. A kernel with several inputs converts those in another block.
    FollowsInput,
    Chooses, // one input in any channel block; picks its output's block when allowed
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
    // layer types that list the backend in LayerImpl::absorbsRelu).
    bool inputRelu = false;
    // bf16: Conv2D and Dense multiply in bf16 with fp32 accumulation (see strata/precision.h);
    // other kernels compute in fp32 either way. Only set where the backend accepts it.
    Precision precision = Precision::Fp32;

    int64_t inputBlock(size_t port) const
    {
        return port < inputBlocks.size() ? inputBlocks[port] : 1;
    }
};

using KernelFactory = std::function<std::unique_ptr<Kernel>(const KernelSetup &)>;

namespace internal {

struct LayerImpl
{
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
    // Element-wise and shape-keeping: a flat vector's order passes through unchanged, so the
    // code generators may carry a Flatten's order through it to the Dense that reads it.
    bool keepsFlatOrder = false;
    // The plain ReLU max(0, x): a consumer listing the backend in absorbsRelu may apply it.
    bool absorbableRelu = false;
};

// What a family's registration fills in and hands to LayerRegistry::add.
struct LayerDefinition : LayerType, LayerImpl
{
};

} // namespace internal

} // namespace strata
