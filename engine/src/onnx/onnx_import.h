#pragma once
// The ONNX reader's inner workings, shared by onnx_import.cpp (the file, checks and the
// resulting project), onnx_import_values.cpp (tensors and attributes), onnx_import_ops.cpp
// (the op table) and onnx/import/<family>.cpp (how each ONNX op becomes Strata layers).

#include "strata/export.h"

#include <onnx/onnx_pb.h>

#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace strata::internal {

// The opsets whose semantics the reader knows for every op it maps.
constexpr int64_t kImportMinOpset = 9;
constexpr int64_t kImportMaxOpset = 21;
// Stands for the batch size in shape arithmetic (Shape → Gather → Concat → Reshape).
constexpr int64_t kBatchSize = std::numeric_limits<int64_t>::min();

// A value of the ONNX graph as the reader sees it.
// "a scalar" or "64×5×5", for messages.
std::string shapeText(const Shape &s);
// "[1, batch, 3]": integer constants, kBatchSize shown as "batch".
std::string intsText(const std::vector<int64_t> &v);
// An axis attribute in [-rank, rank) made non-negative, or -1 when out of range.
int64_t normalizedAxis(int64_t axis, int64_t rank);

struct ImportValue
{
    enum class Kind { Layer, Floats, Ints, GeluPart };
    Kind kind = Kind::Layer;
    // Layer: the Strata node computing it and its shape, batch excluded, in ONNX and in
    // Strata (they differ only where ONNX keeps axes of size 1, as after GlobalAveragePool).
    std::string node;
    Shape onnxShape;
    Shape strataShape;
    // Floats: a constant tensor (an initializer or a Constant node).
    Tensor floats;
    // Ints: integer constants or shape arithmetic, with kBatchSize for the batch size.
    std::vector<int64_t> ints;
    Shape dims; // of Floats and Ints
    // GeluPart: a step of GELU's Erf chain over the layer `node` (see import/gelu.cpp).
    int geluStep = 0;
};

// import/norm_chains.cpp: replaces the decompositions of LayerNorm and GroupNorm that
// exporters write before opsets 17 and 18 by one LayerNormalization or GroupNormalization
// node each (marked strata_chain), before the reader sees the graph.
void fuseNormChains(onnx::GraphProto &graph);
// import/shuffle_chain.cpp: replaces the channel shuffle's Reshape → Transpose → Reshape by
// one ChannelShuffle node (marked strata_chain), before the reader sees the graph.
void fuseChannelShuffles(onnx::GraphProto &graph);
// Replaces Strata's export of an uneven AdaptiveAvgPool2D (Slice → ReduceMean per window,
// Concat, per axis) by one AdaptiveAveragePool node (import/adaptive_chain.cpp).
void fuseAdaptivePools(onnx::GraphProto &graph);

class OnnxImporter
{
public:
    OnnxImporter(const std::string &path, const onnx::ModelProto &model);
    ImportResult run();

    // The ops the reader maps (the keys of handlers()), for messages.
    static const std::vector<std::string> &supportedOps();

private:
    // onnx_import.cpp: the model around the nodes.
    void checkOpset();
    void checkOps() const;
    void readInitializers();
    void readInput();
    void checkOutputAndShapes() const;
    ImportResult result();

    [[noreturn]] void fail(const std::string &what) const;
    [[noreturn]] void fail(const onnx::NodeProto &n, const std::string &what) const;
    std::string label(const onnx::NodeProto &n) const; // "Conv '/conv1/Conv'"
    ImportValue constant(const onnx::TensorProto &t, const std::string &where) const;

    bool hasInput(const onnx::NodeProto &n, int i) const;
    const ImportValue &input(const onnx::NodeProto &n, int i) const;
    const ImportValue &layerInput(const onnx::NodeProto &n, int i) const;
    const Tensor &floatInput(const onnx::NodeProto &n, int i, const std::string &what) const;
    const ImportValue &intsInput(const onnx::NodeProto &n, int i) const;
    // The node's outputs after the first must be unused (MaxPool indices, Dropout mask...).
    void requireOneOutput(const onnx::NodeProto &n) const;

    const onnx::AttributeProto *attribute(const onnx::NodeProto &n, const std::string &name) const;
    int64_t attrInt(const onnx::NodeProto &n, const std::string &name, int64_t fallback) const;
    float attrFloat(const onnx::NodeProto &n, const std::string &name, float fallback) const;
    std::vector<int64_t> attrInts(const onnx::NodeProto &n, const std::string &name,
                                  std::vector<int64_t> fallback) const;
    std::string attrString(const onnx::NodeProto &n, const std::string &name,
                           const std::string &fallback) const;

    // Adds the Strata layer that computes node n's first output from the layers `inputs`
    // (node ids), with its weights by WeightSpec name; checks its shape rule and weights.
    std::string addLayer(const onnx::NodeProto &n, const std::string &type, nlohmann::json params,
                         const std::vector<std::string> &inputs,
                         std::vector<std::pair<std::string, Tensor>> weights);
    std::string idFor(const onnx::NodeProto &n, const std::string &type) const;
    // Node n's first output is `v` (the layer just added, or an input passed through).
    void setOutput(const onnx::NodeProto &n, ImportValue v);
    void setLayerOutput(const onnx::NodeProto &n, const std::string &id);

    // onnx_import_ops.cpp: the table from op name to handler; the handlers are in
    // onnx/import/<family>.cpp.
    using Handler = void (OnnxImporter::*)(const onnx::NodeProto &);
    static const std::map<std::string, Handler> &handlers();
    // The ops of the table that only the passes fusing an exporter's chain write, never an
    // exporter: left out of supportedOps, so a model naming one is refused as unsupported.
    static const std::set<std::string> &fusedOnlyOps();
    void convert(const onnx::NodeProto &n);
    void convertConv(const onnx::NodeProto &n);
    void convertGemm(const onnx::NodeProto &n);
    void convertMatMul(const onnx::NodeProto &n);
    void convertAdd(const onnx::NodeProto &n);
    void convertActivation(const onnx::NodeProto &n);
    void convertSoftmax(const onnx::NodeProto &n);
    void convertPool(const onnx::NodeProto &n);
    void convertGlobalPool(const onnx::NodeProto &n);
    void convertFlatten(const onnx::NodeProto &n);
    void convertReshape(const onnx::NodeProto &n);
    void convertSqueeze(const onnx::NodeProto &n);
    void convertBatchNorm(const onnx::NodeProto &n);
    void convertConcat(const onnx::NodeProto &n);
    // import/gelu.cpp: Div, Erf, Add and Mul as GELU's x·(1 + erf(x/√2))·0.5.
    void convertGelu(const onnx::NodeProto &n);
    // import/activation.cpp: Clip as ReLU6, ReLU or Clip; import/gated.cpp: Mul, as SiLU or
    // Hardswish (x times its Sigmoid or HardSigmoid), else on to convertGelu;
    // import/prelu.cpp: PRelu.
    void convertClip(const onnx::NodeProto &n);
    void convertMul(const onnx::NodeProto &n);
    void convertPRelu(const onnx::NodeProto &n);
    // import/norm.cpp: LayerNormalization and GroupNormalization, also as the nodes
    // fuseNormChains writes for their decompositions.
    void convertLayerNorm(const onnx::NodeProto &n);
    void convertGroupNorm(const onnx::NodeProto &n);
    // import/arithmetic.cpp: Mul (what convertMul hands on) and Sub of two layer outputs as
    // Multiply and Subtract, one shape or an image and one value per channel;
    // import/pooling.cpp: ReduceMean over height and width as GlobalAvgPool2D.
    void convertArithmetic(const onnx::NodeProto &n);
    void convertReduceMean(const onnx::NodeProto &n);
    // import/pooling.cpp: the fused AdaptiveAveragePool as AdaptiveAvgPool2D.
    void convertAdaptivePool(const onnx::NodeProto &n);
    // import/conv_transpose.cpp: ConvTranspose as ConvTranspose2D; import/upsample.cpp:
    // Resize and Upsample with whole factors as Upsample.
    void convertConvTranspose(const onnx::NodeProto &n);
    void convertResize(const onnx::NodeProto &n);
    // import/reshape.cpp: Transpose as Permute, Slice as Slice (or of integer constants), the
    // fused channel shuffle as ChannelShuffle, and Reshape's general case (convertReshape) as
    // Reshape: its target with 0 and a leading -1 resolved (kBatchSize for the batch), the
    // layer for a sample shape, and a value whose Strata shape is its ONNX shape.
    void convertTranspose(const onnx::NodeProto &n);
    void convertSlice(const onnx::NodeProto &n);
    void convertChannelShuffle(const onnx::NodeProto &n);
    // import/split.cpp: Split as one Slice per output that something reads.
    void convertSplit(const onnx::NodeProto &n);
    std::vector<int64_t> reshapeTarget(const onnx::NodeProto &n, const ImportValue &x,
                                       std::vector<int64_t> target) const;
    ImportValue reshapeLayer(const onnx::NodeProto &n, const ImportValue &x,
                             const std::vector<int64_t> &sample);
    ImportValue asOnnxShaped(const onnx::NodeProto &n, const ImportValue &x);
    // import/shapes.cpp: Add, Sub, Mul and Div of integer constants (shape arithmetic, as
    // x.chunk(2, dim=1) computes its split point), which convert() hands over before the table.
    bool isShapeArithmetic(const onnx::NodeProto &n) const;
    void convertShapeArithmetic(const onnx::NodeProto &n);
    // The nodes reading `value`, and whether it is a graph output (onnx_import.cpp).
    std::vector<const onnx::NodeProto *> consumers(const std::string &value) const;
    bool isGraphOutput(const std::string &value) const;
    // import/shapes.cpp: the ops that move no data in Strata.
    void convertConstant(const onnx::NodeProto &n);
    void convertShapeOps(const onnx::NodeProto &n);    // Shape, Gather, Unsqueeze, Cast
    void convertPassThrough(const onnx::NodeProto &n); // Identity, Dropout
    // The padding params of a square window over `image` (C×H×W) from auto_pad and pads:
    // {"padding": "valid"}, {"padding": "same"} (pads equal to Strata's "same", unless the
    // output rounds up), or "explicit" with pad or pad_top/left/bottom/right. Refuses
    // negative pads.
    // kernel and stride: {height, width}.
    nlohmann::json windowPadding(const onnx::NodeProto &n, const Shape &image,
                                 const std::vector<int64_t> &kernel,
                                 const std::vector<int64_t> &stride, int64_t dilation,
                                 bool ceilMode) const;
    // The flat Strata view of a layer value (alias when it is already flat in Strata).
    void flattenValue(const onnx::NodeProto &n, const ImportValue &v);
    ImportValue flatValue(const onnx::NodeProto &n, const ImportValue &v);
    // Reshape's meaning for a target with 0 and a leading -1 resolved (reshapeTarget): a
    // Flatten, the value itself, or a Reshape layer; refuses a target that moves the batch.
    ImportValue reshaped(const onnx::NodeProto &n, const ImportValue &x,
                         const std::vector<int64_t> &target);

    std::string path_;
    const onnx::ModelProto &model_;
    int64_t opset_ = 0;
    int64_t staticBatch_ = 0; // the graph input's fixed batch size; 0 when it is dynamic
    std::map<std::string, ImportValue> values_;
    std::map<std::string, int> uses_; // how many node inputs and graph outputs read a value
    std::map<std::string, Shape> layerShapes_; // Strata node id → output shape
    Graph graph_;
    std::map<std::string, std::vector<std::pair<std::string, Tensor>>> weights_; // per node
    std::vector<std::string> notes_;
};

} // namespace strata::internal
