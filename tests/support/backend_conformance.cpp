#include "backend_conformance.h"

#include "backend_conformance_cases.h"
#include "conformance_support.h"
#include "layer_harness.h"
#include "strata/network.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <tuple>

namespace strata::testing {

using namespace conformance;

namespace {

constexpr double kLossTolerance = 1e-5;
constexpr double kUpdateTolerance = 1e-5;

// ---- layers -------------------------------------------------------------------------------

// What one backend computes for a case, brought back to the host.
struct LayerRun
{
    Tensor output;
    std::vector<Tensor> inputGrads;
    std::vector<Tensor> weightGrads;
    std::vector<Tensor> weightsAfter; // BatchNorm's running statistics change in training
};

// Forward and backward of the case on `backend`, from the given host inputs and weights.
LayerRun runOn(Backend &backend, const OpCase &k, const std::vector<Tensor> &inputs,
               const std::vector<Tensor> &weights, const Shape &outputShape,
               const Tensor &gradOutput)
{
    const LayerCase &c = k.layer;
    const nlohmann::json params = LayerRegistry::instance().resolveParams(c.node);
    std::vector<Tensor> in, gin, w, gw;
    for (const Tensor &t : inputs) {
        in.push_back(toDevice(backend, t));
        gin.push_back(backend.allocate(t.shape()));
    }
    for (const Tensor &t : weights) {
        w.push_back(toDevice(backend, t));
        gw.push_back(backend.allocate(t.shape()));
    }
    Tensor out = backend.allocate(outputShape);
    KernelSetup setup{c.node, params, c.inputShapes, outputShape, w, gw, backend};
    auto kernel = backend.createKernel(setup);
    std::vector<const Tensor *> inPtrs;
    std::vector<Tensor *> ginPtrs;
    for (size_t i = 0; i < in.size(); ++i) {
        inPtrs.push_back(&in[i]);
        ginPtrs.push_back(k.wantInputGrad ? &gin[i] : nullptr);
    }
    Rng rng(c.seed + 1); // the harness' dropout stream
    RunContext ctx{c.training, &rng};
    kernel->forward(inPtrs, out, ctx);
    const Tensor gy = toDevice(backend, gradOutput);
    kernel->backward(inPtrs, out, gy, ginPtrs, ctx);

    LayerRun r;
    r.output = toHost(backend, out);
    for (const Tensor &t : gin)
        r.inputGrads.push_back(toHost(backend, t));
    for (const Tensor &t : gw)
        r.weightGrads.push_back(toHost(backend, t));
    for (const Tensor &t : w)
        r.weightsAfter.push_back(toHost(backend, t));
    return r;
}

// A GPU draws its own dropout mask (see dropout_cuda.cpp): check what any mask must satisfy.
std::string checkOwnDropoutMask(const Tensor &x, const Tensor &gy, const LayerRun &got, double rate)
{
    const float scale = static_cast<float>(1 / (1 - rate));
    int64_t dropped = 0;
    for (int64_t i = 0; i < got.output.numel(); ++i) {
        const float y = got.output.data()[i], gx = got.inputGrads[0].data()[i];
        const bool kept = y != 0.0f;
        dropped += !kept;
        if (kept && std::fabs(y - x.data()[i] * scale) > 1e-6f)
            return "a kept value is not scaled by 1 / (1 - rate)";
        if (std::fabs(gx - (kept ? gy.data()[i] * scale : 0.0f)) > 1e-6f)
            return "backward does not use forward's mask";
    }
    const double fraction = static_cast<double>(dropped) / static_cast<double>(x.numel());
    if (fraction < rate / 3 || fraction > std::min(1.0, rate * 2))
        return "dropped " + std::to_string(fraction) + " of the values at rate " +
               std::to_string(rate);
    return {};
}

std::string checkLayer(Backend &b, const OpCase &k)
{
    if (!b.supports(k.layer.node.type))
        return b.kind() + " has no " + k.layer.node.type + " kernel: every backend runs every op";
    LayerHarness ref(k.layer, "reference");
    std::vector<Tensor> inputs, weights;
    for (const Tensor &t : ref.inputs)
        inputs.push_back(t.clone());
    for (const Tensor &t : ref.weights)
        weights.push_back(t.clone());
    Rng rng(k.layer.seed + 99);
    const Tensor gy = randomTensor(ref.outputShape, rng);
    const LayerRun got = runOn(b, k, inputs, weights, ref.outputShape, gy);
    if (k.layer.node.type == "Dropout" && k.layer.training && b.kind() != "cpu")
        return checkOwnDropoutMask(inputs[0], gy, got,
                                   k.layer.node.params.at("rate").get<double>());

    ref.forward();
    ref.backward(gy);
    Comparison cmp;
    cmp.add("output", maxRelativeError(got.output, ref.output));
    for (size_t i = 0; k.wantInputGrad && i < got.inputGrads.size(); ++i)
        cmp.add("input" + std::to_string(i) + " grad",
                maxRelativeError(got.inputGrads[i], ref.inputGrads[i]));
    for (size_t i = 0; i < got.weightGrads.size(); ++i) {
        const WeightSpec &spec = ref.weightSpecs[i];
        if (spec.trainable)
            cmp.add(spec.name + " grad", maxRelativeError(got.weightGrads[i], ref.weightGrads[i]));
        else
            cmp.add(spec.name, maxRelativeError(got.weightsAfter[i], ref.weights[i]));
    }
    return cmp.verdict(kLayerTolerance);
}

// ---- losses -------------------------------------------------------------------------------

std::string checkLoss(Backend &b, LossKind kind, bool fused, int classes)
{
    auto ref = createBackend("reference");
    const int64_t n = 37;
    const Shape shape{n, classes};
    Rng rng(5);
    Tensor output = randomTensor(shape, rng, -3, 3);
    Tensor labels(Shape{n});
    for (int64_t i = 0; i < n; ++i)
        labels.data()[i] = static_cast<float>(rng.below(classes == 1 ? 2 : classes));
    if (fused) // the output of a Softmax or Sigmoid: probabilities
        for (int64_t i = 0; i < n; ++i) {
            float *row = output.data() + i * classes;
            double sum = 0;
            for (int c = 0; c < classes; ++c)
                sum += std::exp(row[c]);
            for (int c = 0; c < classes; ++c)
                row[c] = classes == 1 ? 1.0f / (1.0f + std::exp(-row[c]))
                                      : static_cast<float>(std::exp(row[c]) / sum);
        }
    const LossSetup setup{kind, shape, fused};

    std::string problem;
    auto run = [&](Backend &on, LossTotals *totals) {
        auto loss = on.createLoss(setup);
        Tensor out = toDevice(on, output), y = toDevice(on, labels);
        Tensor grad = on.allocate(shape);
        loss->compute(out, y, &grad);
        loss->compute(out, y, nullptr); // totals only
        *totals = loss->takeTotals();
        if (loss->takeTotals().count != 0)
            problem = "takeTotals does not clear the totals";
        return toHost(on, grad);
    };
    LossTotals want, got;
    const Tensor wantGrad = run(*ref, &want);
    const Tensor gotGrad = run(b, &got);
    if (!problem.empty())
        return problem;
    if (got.count != want.count || got.correct != want.correct)
        return "count/correct " + std::to_string(got.count) + "/" + std::to_string(got.correct) +
               ", reference " + std::to_string(want.count) + "/" + std::to_string(want.correct);
    Comparison cmp;
    cmp.add("loss sum",
            std::fabs(got.lossSum - want.lossSum) / std::max(1.0, std::fabs(want.lossSum)));
    cmp.add("gradient", maxRelativeError(gotGrad, wantGrad));
    return cmp.verdict(kLossTolerance);
}

// ---- optimizer updates --------------------------------------------------------------------

std::string checkUpdate(Backend &b, const std::string &rule, int size)
{
    auto ref = createBackend("reference");
    Rng rng(11);
    const Shape shape{size};
    const Tensor w0 = randomTensor(shape, rng), g = randomTensor(shape, rng);
    const Tensor s0 = randomTensor(shape, rng, 0, 1), s1 = randomTensor(shape, rng, 0, 1);
    const bool momentum = rule != "sgd" && rule != "rmsprop";

    auto run = [&](Backend &on) {
        Tensor w = toDevice(on, w0), grad = toDevice(on, g);
        Tensor a = toDevice(on, s0), c = toDevice(on, s1);
        for (int step = 1; step <= 3; ++step) {
            if (rule.rfind("sgd", 0) == 0)
                on.sgdUpdate(w, grad, a,
                             {0.05f, momentum ? 0.9f : 0.0f, 0.01f, rule == "sgd nesterov"});
            else if (rule.rfind("adam", 0) == 0)
                on.adamUpdate(w, grad, a, c,
                              {0.01f, 0.9f, 0.999f, 1e-8f, 0.02f, rule == "adamw", step});
            else
                on.rmspropUpdate(w, grad, a, c,
                                 {0.01f, 0.99f, 1e-8f, momentum ? 0.9f : 0.0f, 0.01f});
        }
        return std::vector<Tensor>{toHost(on, w), toHost(on, a), toHost(on, c)};
    };
    const auto want = run(*ref);
    const auto got = run(b);
    Comparison cmp;
    const char *names[] = {"weights", "first state", "second state"};
    for (size_t i = 0; i < want.size(); ++i)
        cmp.add(names[i], maxRelativeError(got[i], want[i]));
    return cmp.verdict(kUpdateTolerance);
}

// ---- tensor operations and a whole step ---------------------------------------------------

std::string checkTensorOps(Backend &b)
{
    Rng rng(3);
    const Tensor x = randomTensor({5, 1000}, rng), y = randomTensor({5, 1000}, rng);
    Tensor dx = toDevice(b, x), dy = toDevice(b, y);
    if (!b.allFinite(dx))
        return "allFinite is false for finite values";
    b.accumulate(dx, dy);
    const Tensor sum = toHost(b, dx);
    for (int64_t i = 0; i < x.numel(); ++i)
        if (sum.data()[i] != x.data()[i] + y.data()[i])
            return "accumulate is not an element-wise sum";
    Tensor copied = b.allocate(x.shape());
    b.copy(dy, copied);
    if (toHost(b, copied).toVector() != y.toVector())
        return "copy changed the values";
    if (toHost(b, b.allocate({3, 3})).toVector() != std::vector<float>(9, 0.0f))
        return "allocate did not zero the tensor";
    for (float bad :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
          -std::numeric_limits<float>::infinity()}) {
        Tensor h = y.clone();
        h.data()[4321] = bad;
        const Tensor device = toDevice(b, h);
        if (b.allFinite(device))
            return "allFinite missed " + std::to_string(bad);
        if (b.allTensorsFinite({&dx, &device}) || !b.allTensorsFinite({&dx, &dy}))
            return "allTensorsFinite is wrong about " + std::to_string(bad);
    }
    return {};
}

// The late NaN/Inf guard: a note stays until it is taken, and taking clears it.
std::string checkLateGuard(Backend &b)
{
    Rng rng(4);
    const Tensor x = randomTensor({3, 700}, rng);
    Tensor bad = x.clone();
    bad.data()[1234] = std::numeric_limits<float>::quiet_NaN();
    const Tensor dx = toDevice(b, x), dbad = toDevice(b, bad);
    b.takeNonFinite(); // start clean
    b.noteNonFinite({&dx, &dx});
    if (b.takeNonFinite())
        return "takeNonFinite is true after finite values";
    b.noteNonFinite({&dx, &dbad});
    b.noteNonFinite({&dx});
    if (!b.takeNonFinite())
        return "takeNonFinite missed a NaN noted before a finite step";
    if (b.takeNonFinite())
        return "takeNonFinite did not clear the note";
    return {};
}

} // namespace

std::set<std::string> conformanceLayerTypes()
{
    std::set<std::string> types{"Input"};
    for (const OpCase &k : opCases())
        types.insert(k.layer.node.type);
    return types;
}

std::vector<ConformanceCheck> conformanceChecks()
{
    std::vector<ConformanceCheck> all;
    for (const OpCase &k : opCases())
        all.push_back({"layer " + k.name, guarded([k](Backend &b) { return checkLayer(b, k); })});
    const std::vector<std::tuple<const char *, LossKind, bool, int>> losses{
        {"cross-entropy", LossKind::CrossEntropy, false, 10},
        {"cross-entropy after Softmax", LossKind::CrossEntropy, true, 10},
        {"binary cross-entropy", LossKind::BinaryCrossEntropy, false, 1},
        {"binary cross-entropy 3 outputs", LossKind::BinaryCrossEntropy, false, 3},
        {"binary cross-entropy after Sigmoid", LossKind::BinaryCrossEntropy, true, 1},
        {"mse", LossKind::MeanSquaredError, false, 1},
        {"mse 4 outputs", LossKind::MeanSquaredError, false, 4}};
    for (const auto &[name, kind, fused, classes] : losses)
        all.push_back({std::string("loss ") + name,
                       guarded([kind = kind, fused = fused, classes = classes](Backend &b) {
                           return checkLoss(b, kind, fused, classes);
                       })});
    for (const char *rule :
         {"sgd", "sgd momentum", "sgd nesterov", "adam", "adamw", "rmsprop", "rmsprop momentum"})
        for (int size : {1000, 70001}) // the CPU splits large tensors over threads
            all.push_back({std::string("update ") + rule + " " + std::to_string(size),
                           guarded([rule = std::string(rule), size](Backend &b) {
                               return checkUpdate(b, rule, size);
                           })});
    all.push_back({"tensor operations", guarded(checkTensorOps)});
    all.push_back({"late NaN/Inf guard", guarded(checkLateGuard)});
    for (ConformanceCheck &check : conformance::networkChecks())
        all.push_back(std::move(check));
    return all;
}

std::unique_ptr<Backend> tryCreateBackend(const std::string &kind, std::string *why)
{
    try {
        return createBackend(kind);
    } catch (const BackendError &e) {
        *why = e.what();
        return nullptr;
    }
}

} // namespace strata::testing
