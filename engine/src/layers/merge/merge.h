#pragma once
// Add and Concat: the layers that join paths (skip connections, branches). Each has ports
// in0..in{n-1}. Add sums inputs of one shape; Concat joins them along the first sample axis
// (features for flat inputs, channels for images).

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

std::unique_ptr<Kernel> makeAddCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeAddReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConcatCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConcatReference(const KernelSetup &setup);
// With CUDA only.
std::unique_ptr<Kernel> makeAddCuda(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConcatCuda(const KernelSetup &setup);

// Where each input lives in a Concat output viewed as {outer, Σ blocks}: outer is the batch,
// blocks[i] the number of values input i contributes per sample.
struct ConcatLayout
{
    int64_t outer = 0;
    std::vector<int64_t> blocks;
    int64_t total = 0; // Σ blocks

    explicit ConcatLayout(const std::vector<Shape> &inputShapes); // batch included
};

// The backward passes, shared by both backends (copies and strided copies: nothing for a
// fast library to win). Null entries of gin are skipped.
void addBackward(const Tensor &gradOutput, const std::vector<Tensor *> &gin);
void concatBackward(const ConcatLayout &layout, const Tensor &gradOutput,
                    const std::vector<Tensor *> &gin);

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in merge_code.cpp, ONNX export in merge_onnx.cpp.
void registerMerge(LayerRegistry &registry); // Add, Concat
LayerCode mergeCode(const CodeContext &context);
void addToOnnx(OnnxContext &ctx);
void concatToOnnx(OnnxContext &ctx);

} // namespace strata::internal
