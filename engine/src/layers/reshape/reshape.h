#pragma once
// Reshape, Permute, ChannelShuffle and Slice: the layers that move values without arithmetic.
// Each is one strided copy (StridedCopy): the output, plain, reads the input through
// strides, so every backend has one kernel for the whole family, and backward writes the
// output gradient back through the same strides.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>
#include <string>
#include <vector>

namespace strata::internal {

// out[i0, ..., ik] = in[offset + Σ ij · strides[j]]: the output is plain in `dims` (batch
// first); every output element reads a different input element.
struct StridedCopy
{
    std::vector<int64_t> dims;
    std::vector<int64_t> strides; // of the input, per output axis
    int64_t offset = 0;
    // False when some input elements are not read (Slice): backward zeroes their gradient.
    bool coversInput = true;
};

// The parameters as numbers (reshape.cpp). Both throw ShapeError naming the node.
// Reshape's target for `input` (batch excluded), its one -1 resolved.
Shape reshapeTarget(const Node &node, const nlohmann::json &params, const Shape &input);
// Permute's `dims`: 1-based sample axes, a permutation of 1..rank of `input`.
std::vector<int64_t> permuteDims(const Node &node, const nlohmann::json &params,
                                 const Shape &input);
// Slice's range on its axis of `input`: {axis (0-based, batch excluded), start, end}.
struct SliceRange
{
    size_t axis = 0;
    int64_t start = 0;
    int64_t end = 0;
};
SliceRange sliceRange(const Node &node, const nlohmann::json &params, const Shape &input);

// Each type's copy for one node at one batch size (reshape_copies.cpp).
StridedCopy reshapeCopy(const KernelSetup &setup);
StridedCopy permuteCopy(const KernelSetup &setup);
StridedCopy channelShuffleCopy(const KernelSetup &setup);
StridedCopy sliceCopy(const KernelSetup &setup);

// The kernels running a copy: reshape_ref.cpp, reshape_cpu.cpp (a oneDNN reorder), and with
// CUDA only reshape_cuda.cpp.
std::unique_ptr<Kernel> makeStridedCopyReference(StridedCopy copy);
std::unique_ptr<Kernel> makeStridedCopyCpu(const KernelSetup &setup, StridedCopy copy);
std::unique_ptr<Kernel> makeStridedCopyCuda(const KernelSetup &setup, StridedCopy copy);

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in reshape_code.cpp, ONNX export in reshape_onnx.cpp.
void registerReshapes(LayerRegistry &registry); // Reshape, Permute, ChannelShuffle, Slice
LayerCode reshapeCode(const CodeContext &context);
LayerCode permuteCode(const CodeContext &context);
LayerCode channelShuffleCode(const CodeContext &context);
LayerCode sliceCode(const CodeContext &context);
void reshapeToOnnx(OnnxContext &ctx);
void permuteToOnnx(OnnxContext &ctx);
void channelShuffleToOnnx(OnnxContext &ctx);
void sliceToOnnx(OnnxContext &ctx);

} // namespace strata::internal
