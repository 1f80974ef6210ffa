// Backend conformance of whole training steps: Network on each backend against the
// reference backend (batch copied in, kernels chained, gradients summed, blocked layouts,
// absorbed ReLUs, the NaN/Inf guard).

#include "conformance_support.h"
#include "layer_harness.h"
#include "strata/network.h"

#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

namespace strata::testing::conformance {

namespace {

// One training step and an evaluation of `g` on b against the reference backend.
std::string compareTrainingStep(Backend &b, const Graph &g, const Shape &batchShape)
{
    Rng rng(21);
    const Tensor x = randomTensor(batchShape, rng);
    const int64_t n = batchShape[0];
    Tensor labels(Shape{n});
    for (int64_t i = 0; i < n; ++i)
        labels.data()[i] = static_cast<float>(i % 5);

    auto ref = createBackend("reference");
    Network want(g, *ref, LossKind::CrossEntropy, InitConvention::PyTorch, 9);
    Network got(g, b, LossKind::CrossEntropy, InitConvention::PyTorch, 9);
    want.trainStep(x, labels);
    got.trainStep(x, labels);
    const LossTotals wt = want.takeTotals(), gt = got.takeTotals();
    if (gt.count != wt.count)
        return "the step counted " + std::to_string(gt.count) + " samples";
    Comparison cmp;
    cmp.add("loss", std::fabs(gt.lossSum - wt.lossSum) / std::max(1.0, std::fabs(wt.lossSum)));
    for (size_t i = 0; i < want.parameters().size(); ++i) {
        const Parameter &p = want.parameters()[i];
        const Parameter &q = got.parameters()[i];
        cmp.add(p.name + (p.trainable ? " grad" : ""),
                maxRelativeError(toHost(b, p.trainable ? q.grad : q.value),
                                 p.trainable ? p.grad : p.value));
    }
    if (!got.gradientsFinite())
        return "gradientsFinite is false";
    want.evaluate(x, &labels);
    got.evaluate(x, &labels);
    if (got.probabilities().shape() != Shape{n, 5})
        return "probabilities have the wrong shape";
    cmp.add("evaluated probabilities", maxRelativeError(got.probabilities(), want.probabilities()));
    return cmp.verdict(kLayerTolerance);
}

Graph chain(const Node &input, const std::vector<Node> &layers,
            const std::vector<std::tuple<const char *, const char *, int>> &edges)
{
    Graph g;
    g.addNode(input);
    for (const Node &n : layers)
        g.addNode(n);
    for (const auto &[from, to, port] : edges)
        g.connect({{from, 0}, {to, port}});
    return g;
}

Node named(Node n, const std::string &id)
{
    n.id = n.name = id;
    return n;
}

// Network (batch copied in, kernels chained, gradients summed where a layer feeds two others,
// Softmax fused with cross-entropy) against the reference backend.
std::string checkTrainingStep(Backend &b)
{
    const Graph g = chain({"in", "Input", "in", {{"channels", 2}, {"height", 8}, {"width", 8}}},
                          {conv(4, 3, 1, "same"),
                           {"bn", "BatchNorm", "bn"},
                           {"relu", "ReLU", "relu"},
                           {"skip", "Conv2D", "skip", {{"filters", 4}, {"kernel", 1}}},
                           {"add", "Add", "add"},
                           pool("MaxPool2D", 2, 0, "valid"),
                           {"flat", "Flatten", "flat"},
                           {"fc", "Dense", "fc", {{"units", 5}}},
                           {"soft", "Softmax", "soft"}},
                          {{"in", "conv", 0},
                           {"conv", "bn", 0},
                           {"bn", "relu", 0},
                           {"relu", "add", 0},
                           {"relu", "skip", 0},
                           {"skip", "add", 1},
                           {"add", "pool", 0},
                           {"pool", "flat", 0},
                           {"flat", "fc", 0},
                           {"fc", "soft", 0}});
    return compareTrainingStep(b, g, {6, 2, 8, 8});
}

// Convolutions, activations and pooling in a stack, where the CPU backend keeps channel-
// blocked layouts between them (see LayoutUse): one blocked output feeding two
// convolutions (its gradient summed in that layout), a blocked Add, blocked pooling, and the
// switch back to plain before Flatten.
std::string checkConvStackStep(Backend &b)
{
    const Graph g = chain({"in", "Input", "in", {{"channels", 3}, {"height", 12}, {"width", 12}}},
                          {named(conv(16, 3, 1, "same"), "c1"),
                           {"r1", "ReLU", "r1"},
                           named(conv(16, 3, 1, "same"), "c2"),
                           named(conv(16, 1, 1, "valid", false), "c3"),
                           {"add", "Add", "add"},
                           named(conv(32, 3, 1, "same"), "c4"),
                           {"r4", "Tanh", "r4"},
                           named(pool("MaxPool2D", 2, 0, "valid"), "p4"),
                           named(conv(16, 3, 1, "valid"), "c5"),
                           {"r5", "ReLU", "r5"},
                           named(pool("AvgPool2D", 2, 2, "same"), "p5"),
                           {"flat", "Flatten", "flat"},
                           {"fc", "Dense", "fc", {{"units", 5}}}},
                          {{"in", "c1", 0},
                           {"c1", "r1", 0},
                           {"r1", "c2", 0},
                           {"r1", "c3", 0},
                           {"c2", "add", 0},
                           {"c3", "add", 1},
                           {"add", "c4", 0},
                           {"c4", "r4", 0},
                           {"r4", "p4", 0},
                           {"p4", "c5", 0},
                           {"c5", "r5", 0},
                           {"r5", "p5", 0},
                           {"p5", "flat", 0},
                           {"flat", "fc", 0}});
    if (b.kind() == "cpu") {
        Network net(g, b, LossKind::CrossEntropy, InitConvention::PyTorch, 9);
        const std::vector<std::pair<const char *, bool>> blocked{
            {"c1", true}, {"r1", true}, {"c2", true},  {"c3", true},  {"add", true}, {"c4", true},
            {"r4", true}, {"p4", true}, {"c5", false}, {"r5", false}, {"p5", false}};
        for (const auto &[id, wanted] : blocked)
            if ((net.channelBlock(id, 4) > 1) != wanted)
                return std::string(id) + (wanted ? " should" : " should not") +
                       " keep a blocked layout";
    }
    return compareTrainingStep(b, g, {4, 3, 12, 12});
}

// ReLU before max pooling, which the CPU backend runs inside the pooling kernel (see
// LayerImpl::absorbsRelu): after a convolution (blocked layout, own 2×2 loop, odd size),
// after the Input (no gradient to deliver) and before oneDNN's overlapping pooling. A ReLU
// that feeds two layers stays a layer of its own.
std::string checkAbsorbedReluStep(Backend &b)
{
    const Graph g = chain({"in", "Input", "in", {{"channels", 3}, {"height", 11}, {"width", 11}}},
                          {{"r0", "ReLU", "r0"},
                           named(pool("MaxPool2D", 2, 1, "valid"), "p0"),
                           named(conv(16, 3, 1, "same"), "c1"),
                           {"r1", "ReLU", "r1"},
                           named(pool("MaxPool2D", 2, 0, "valid"), "p1"),
                           named(conv(16, 3, 1, "same"), "c2"),
                           {"r2", "ReLU", "r2"},
                           named(pool("MaxPool2D", 2, 2, "valid"), "p2"),
                           named(pool("MaxPool2D", 3, 2, "valid"), "p3"),
                           {"add", "Add", "add"},
                           {"flat", "Flatten", "flat"},
                           {"fc", "Dense", "fc", {{"units", 5}}}},
                          {{"in", "r0", 0},
                           {"r0", "p0", 0},
                           {"p0", "c1", 0},
                           {"c1", "r1", 0},
                           {"r1", "p1", 0},
                           {"p1", "c2", 0},
                           {"c2", "r2", 0},
                           {"r2", "p2", 0},
                           {"r2", "p3", 0},
                           {"p2", "add", 0},
                           {"p3", "add", 1},
                           {"add", "flat", 0},
                           {"flat", "fc", 0}});
    if (b.kind() == "cpu") {
        Network net(g, b, LossKind::CrossEntropy, InitConvention::PyTorch, 9);
        for (const auto &[id, wanted] :
             std::vector<std::pair<const char *, bool>>{{"r0", true}, {"r1", true}, {"r2", false}})
            if (net.runsInsideConsumer(id, 4) != wanted)
                return std::string(id) + (wanted ? " should" : " should not") +
                       " run inside the max pooling after it";
        if (net.channelBlock("c1", 4) == 1)
            return "c1 should keep a blocked layout through the pooling that absorbed r1";
    }
    return compareTrainingStep(b, g, {4, 3, 11, 11});
}

// A ShuffleNetV2 unit: the channels split in two (Slice), one half through convolutions,
// joined again and shuffled, with convolutions on either side that the CPU backend runs in
// channel-blocked layouts (the moves read and write plain ones).
std::string checkShuffleUnitStep(Backend &b)
{
    const Graph g = chain({"in", "Input", "in", {{"channels", 3}, {"height", 8}, {"width", 8}}},
                          {named(conv(16, 3, 1, "same"), "c1"),
                           {"r1", "ReLU", "r1"},
                           {"left", "Slice", "left", {{"end", 8}}},
                           {"right", "Slice", "right", {{"start", 8}}},
                           named(conv(8, 3, 1, "same"), "c2"),
                           {"cat", "Concat", "cat"},
                           {"shuffle", "ChannelShuffle", "shuffle"},
                           named(conv(16, 1, 1, "valid"), "c3"),
                           {"hwc", "Permute", "hwc", {{"dims", "2, 3, 1"}}},
                           {"flat", "Reshape", "flat"},
                           {"fc", "Dense", "fc", {{"units", 5}}}},
                          {{"in", "c1", 0},
                           {"c1", "r1", 0},
                           {"r1", "left", 0},
                           {"r1", "right", 0},
                           {"right", "c2", 0},
                           {"left", "cat", 0},
                           {"c2", "cat", 1},
                           {"cat", "shuffle", 0},
                           {"shuffle", "c3", 0},
                           {"c3", "hwc", 0},
                           {"hwc", "flat", 0},
                           {"flat", "fc", 0}});
    return compareTrainingStep(b, g, {4, 3, 8, 8});
}

// Residual blocks as in ResNet and MobileNetV2, which the CPU backend runs in channel-blocked
// layouts from end to end: BatchNorm, ReLU and ReLU6 follow the convolutions' block, an Add
// sums a blocked input with a plain one (a Slice's), a depthwise convolution, strided
// shortcuts, and a last block at one pixel per channel (the same bytes in every layout,
// which the plan records as plain) before global average pooling.
std::string checkResidualBlocksStep(Backend &b)
{
    auto bn = [](const char *id) { return Node{id, "BatchNorm", id, {{"momentum", 0.9}}}; };
    auto convNamed = [](const char *id, int filters, int kernel, int stride, int groups) {
        return Node{id,
                    "Conv2D",
                    id,
                    {{"filters", filters},
                     {"kernel", kernel},
                     {"stride", stride},
                     {"padding", "same"},
                     {"groups", groups},
                     {"bias", false}}};
    };
    const Graph g = chain({"in", "Input", "in", {{"channels", 3}, {"height", 8}, {"width", 8}}},
                          {convNamed("c0", 32, 3, 1, 1),
                           {"s0", "Slice", "s0", {{"end", 16}}},
                           convNamed("c1", 16, 3, 1, 1),
                           bn("b1"),
                           {"r1", "ReLU", "r1"},
                           convNamed("c2", 16, 3, 1, 1),
                           bn("b2"),
                           {"a1", "Add", "a1"},
                           {"r2", "ReLU", "r2"},
                           convNamed("c3", 32, 1, 2, 1),
                           bn("b3"),
                           {"r3", "ReLU6", "r3"},
                           convNamed("c4", 32, 3, 2, 32),
                           bn("b4"),
                           convNamed("sc", 32, 1, 4, 1),
                           bn("bs"),
                           {"a2", "Add", "a2"},
                           {"r4", "ReLU", "r4"},
                           convNamed("c5", 32, 3, 2, 1),
                           bn("b5"),
                           convNamed("sc5", 32, 1, 2, 1),
                           {"a3", "Add", "a3"},
                           {"r5", "ReLU", "r5"},
                           {"gap", "GlobalAvgPool2D", "gap"},
                           {"fc", "Dense", "fc", {{"units", 5}}}},
                          {{"in", "c0", 0},  {"c0", "s0", 0}, {"s0", "c1", 0},  {"c1", "b1", 0},
                           {"b1", "r1", 0},  {"r1", "c2", 0}, {"c2", "b2", 0},  {"b2", "a1", 0},
                           {"s0", "a1", 1},  {"a1", "r2", 0}, {"r2", "c3", 0},  {"c3", "b3", 0},
                           {"b3", "r3", 0},  {"r3", "c4", 0}, {"c4", "b4", 0},  {"r2", "sc", 0},
                           {"sc", "bs", 0},  {"b4", "a2", 0}, {"bs", "a2", 1},  {"a2", "r4", 0},
                           {"r4", "c5", 0},  {"c5", "b5", 0}, {"r4", "sc5", 0}, {"b5", "a3", 0},
                           {"sc5", "a3", 1}, {"a3", "r5", 0}, {"r5", "gap", 0}, {"gap", "fc", 0}});
    if (b.kind() == "cpu") {
        Network net(g, b, LossKind::CrossEntropy, InitConvention::PyTorch, 9);
        for (const char *id : {"c1", "b1", "r1", "c2", "b2", "a1", "r2", "c3", "b3", "r3", "c4",
                               "b4", "sc", "bs", "a2", "r4"})
            if (net.channelBlock(id, 4) == 1)
                return std::string(id) + " should keep a blocked layout";
        for (const char *id : {"s0", "b5", "a3", "r5"})
            if (net.channelBlock(id, 4) != 1)
                return std::string(id) + " should be plain (a Slice's output, or one pixel)";
    }
    return compareTrainingStep(b, g, {4, 3, 8, 8});
}

// The NaN/Inf guard: a large Dense layer may prove its own gradients finite
// (Kernel::weightGradientsProvenFinite) and spare the guard a read of them, but a
// non-finite gradient anywhere else, or a NaN in the batch, must still be caught.
std::string checkGradientGuard(Backend &b)
{
    const Graph g = chain({"in", "Input", "in", {{"features", 1100}}},
                          {{"big", "Dense", "big", {{"units", 1030}}},
                           {"relu", "ReLU", "relu"},
                           {"small", "Dense", "small", {{"units", 5}}}},
                          {{"in", "big", 0}, {"big", "relu", 0}, {"relu", "small", 0}});
    Network net(g, b, LossKind::CrossEntropy, InitConvention::PyTorch, 5);
    Rng rng(3);
    Tensor x = randomTensor({4, 1100}, rng);
    Tensor labels(Shape{4});
    net.trainStep(x, labels);
    if (!net.gradientsFinite())
        return "finite gradients reported as not finite";
    for (Parameter &p : net.parameters()) {
        // A gradient changed behind the kernels' backs: only the small layer's, as the big one
        // may rest on what it proved of the gradients it wrote itself.
        if (p.name.rfind("small.", 0) != 0)
            continue;
        Tensor host;
        b.copyToHost(p.grad, host);
        const float kept = host.data()[1];
        host.data()[1] = std::numeric_limits<float>::infinity();
        b.copyFromHost(host, p.grad);
        if (net.gradientsFinite())
            return "an infinite gradient in " + p.name + " went unnoticed";
        host.data()[1] = kept;
        b.copyFromHost(host, p.grad);
    }
    x.data()[17] = std::numeric_limits<float>::quiet_NaN();
    net.trainStep(x, labels);
    if (net.gradientsFinite())
        return "a NaN in the batch left the gradients reported finite";
    return {};
}

} // namespace

std::vector<ConformanceCheck> networkChecks()
{
    return {{"training step", guarded(checkTrainingStep)},
            {"training step, convolution stack", guarded(checkConvStackStep)},
            {"training step, ReLU inside max pooling", guarded(checkAbsorbedReluStep)},
            {"training step, ShuffleNet unit", guarded(checkShuffleUnitStep)},
            {"training step, residual blocks", guarded(checkResidualBlocksStep)},
            {"NaN/Inf guard", guarded(checkGradientGuard)}};
}

} // namespace strata::testing::conformance
