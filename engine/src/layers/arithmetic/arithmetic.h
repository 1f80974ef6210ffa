#pragma once
// Multiply and Subtract: two inputs, element-wise, where one input may be a per-channel value
// broadcast over an image ({C,H,W} with {C,1,1} or {C}), as squeeze-and-excitation gates its
// features. Ports in0 and in1; Subtract computes in0 − in1.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

enum class ArithmeticOp { Multiply, Subtract };

ArithmeticOp arithmeticOpOf(const Node &node);

// How the two inputs (batch included) line up with the output: the output viewed as
// {outer, inner}, outer = N·C and inner = H·W for an image with a per-channel input, else
// outer = the output's size and inner = 1. perChannel[i]: input i holds one value per outer
// row (N·C values), broadcast over inner; otherwise it has the output's shape.
struct ArithmeticLayout
{
    int64_t outer = 0;
    int64_t inner = 1;
    bool perChannel[2] = {false, false};

    ArithmeticLayout(const std::vector<Shape> &inputShapes, const Shape &outputShape);
    int64_t size(int port) const { return perChannel[port] ? outer : outer * inner; }
};

std::unique_ptr<Kernel> makeArithmeticCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeArithmeticReference(const KernelSetup &setup);
// With CUDA only.
std::unique_ptr<Kernel> makeArithmeticCuda(const KernelSetup &setup);

// The backward pass on the host, shared by the CPU and reference kernels (a product and a
// per-channel sum: nothing for a fast library to win). Null entries of gin are skipped.
void arithmeticBackward(ArithmeticOp op, const ArithmeticLayout &layout,
                        const std::vector<const Tensor *> &in, const Tensor &gradOutput,
                        const std::vector<Tensor *> &gin);

// The family's registration (called from layers/builtin_layers.cpp) and its hooks: code
// export in arithmetic_code.cpp, ONNX export in arithmetic_onnx.cpp.
void registerArithmetic(LayerRegistry &registry); // Multiply, Subtract
LayerCode arithmeticCode(const CodeContext &context);
void arithmeticToOnnx(OnnxContext &ctx);

} // namespace strata::internal
