// A test-only helper for check_codegen.py: writes, for one project, weights that exercise
// every layer (the project's initialisation, with BatchNorm's statistics and affine
// parameters drawn at random so that they matter), the generated PyTorch and Keras folders,
// random raw input rows for strata-cli predict and, for the generated sets, CSV tables and
// image folders, the training set as Strata prepares it; for check_augmentation.py, the
// training batches of the first epochs as Strata's trainer prepares them, augmented.
//
//   strata_codegen_tool PROJECT OUTDIR [--rows N] [--augmented-epochs E]
//
// OUTDIR/weights.safetensors, OUTDIR/inputs.csv, OUTDIR/pytorch/, OUTDIR/keras/ and, for a
// generated set, a CSV table or an image folder, OUTDIR/dataset.safetensors ("features" N×F,
// "labels" N). With --augmented-epochs, OUTDIR/augmented.safetensors: "features" (the
// training set after the validation split, normalised, N×F) and "batches" and "labels" (E×N×F
// and E×N: each epoch's batches one after the other, in the epoch's order, augmented).

#include "train/batch_pipeline.h"

#include "strata/augmentation.h"
#include "strata/backend.h"
#include "strata/dataset.h"
#include "strata/export.h"
#include "strata/misclassified.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/rng.h"
#include "strata/safetensors.h"
#include "strata/weights_file.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <string>

using namespace strata;

namespace {

// The normalisation a project's data would give, without reading the (large or absent)
// files: pixels scaled by 1/255, or standardised with made-up channel statistics.
Normalization normalizationFor(const Project &project, const Shape &sample)
{
    const DatasetSpec &d = project.dataset;
    Normalization n;
    n.mode = d.normalization;
    const bool pixels = d.kind == "idx" || d.kind == "cifar10" || d.kind == "image_folder";
    if (n.mode == "scale" && pixels)
        n.scale = 1.0f / 255.0f;
    if (n.mode == "standardize") {
        n.scale = pixels ? 1.0f / 255.0f : 1.0f;
        for (int64_t c = 0; c < sample[0]; ++c) {
            n.mean.push_back(0.25f + 0.1f * static_cast<float>(c));
            n.std.push_back(0.5f + 0.05f * static_cast<float>(c));
        }
    }
    return n;
}

// The training batches of `epochs` epochs as Strata's trainer prepares them: the same split,
// shuffle stream (seed + 1), augmentation stream (seed + 2, one key per epoch, drawn after the
// epoch's shuffle) and batch pipeline (Trainer::buildPipeline and runEpoch).
void writeAugmentedBatches(const Project &project, const std::string &projectPath, int epochs,
                           const std::string &path)
{
    const DatasetBundle data = loadDataset(project.dataset, projectBaseDir(projectPath));
    const TrainingSpec &spec = project.training;
    const Dataset train = splitForTraining(data, spec).train;
    const Shape &shape = train.sampleShape;
    std::optional<Augmenter> augmenter;
    if (project.dataset.augmentation.active())
        augmenter.emplace(project.dataset.augmentation, shape,
                          augmentRange(data.normalization, shape.front()),
                          holdsPictureValues(project.dataset));
    internal::BatchPipeline pipeline(train, spec.batchSize, augmenter, false);
    Rng shuffleRng(spec.seed + 1), augmentRng(spec.seed + 2);
    const int64_t n = train.size(), size = train.sampleSize();
    Tensor features({n, size}), batches({epochs, n, size}), labels({epochs, n});
    std::copy(train.features.begin(), train.features.end(), features.data());
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t epoch = 0; epoch < epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);
        if (spec.shuffle)
            for (int64_t i = n - 1; i > 0; --i)
                std::swap(order[size_t(i)], order[shuffleRng.below(uint64_t(i + 1))]);
        pipeline.startEpoch(order, augmentRng.next(), 0);
        int64_t at = epoch * n;
        for (int b = 0; b < pipeline.batches(); ++b) {
            Tensor x, y;
            pipeline.take(b, x, y);
            std::copy(x.data(), x.data() + x.numel(), batches.data() + at * size);
            std::copy(y.data(), y.data() + y.numel(), labels.data() + at);
            at += y.numel();
        }
    }
    writeSafetensors(path, {{"features", features}, {"batches", batches}, {"labels", labels}},
                     {{"strata_normalization", toJson(data.normalization).dump()}});
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "Usage: strata_codegen_tool PROJECT OUTDIR [--rows N] "
                             "[--augmented-epochs E]\n");
        return 2;
    }
    const std::string projectPath = argv[1], out = argv[2];
    int rows = 8, augmentedEpochs = 0;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--rows"))
            rows = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--augmented-epochs"))
            augmentedEpochs = std::stoi(argv[i + 1]);
    }
    try {
        const Project project = loadProject(projectPath);
        auto backend = createBackend("cpu");
        Network network(project.graph, *backend, parseLossKind(project.training.loss),
                        parseInitConvention(project.training.init), project.training.seed);
        const Shape sample = network.inputShape();

        WeightsFile weights;
        weights.weights = network.weightsToHost();
        Rng rng(1234);
        for (auto &[name, t] : weights.weights) {
            const auto dot = name.rfind('.');
            const std::string w = name.substr(dot + 1);
            float *d = t.data();
            for (int64_t i = 0; i < t.numel(); ++i) {
                if (w == "gamma" || w == "running_var")
                    d[i] = rng.uniformFloat(0.5f, 1.5f);
                else if (w == "beta" || w == "running_mean")
                    d[i] = rng.uniformFloat(-0.5f, 0.5f);
            }
        }
        weights.normalization = normalizationFor(project, sample);
        const int64_t classes = numel(network.outputShape());
        for (int64_t c = 0; c < std::max<int64_t>(classes, 2); ++c)
            weights.classNames.push_back("class " + std::to_string(c));

        std::filesystem::create_directories(out);
        saveWeights(out + "/weights.safetensors", weights);
        exportPytorch(project, weights, out + "/pytorch");
        exportKeras(project, weights, out + "/keras");

        // Raw rows: pixels in [0, 255], features around 0.
        const std::string &kind = project.dataset.kind;
        const bool pixels = kind == "idx" || kind == "cifar10" || kind == "image_folder";
        std::ofstream csv(out + "/inputs.csv");
        for (int r = 0; r < rows; ++r) {
            for (int64_t i = 0; i < numel(sample); ++i)
                csv << (i ? "," : "")
                    << (pixels ? std::floor(rng.uniform() * 256.0) : 1.5 * rng.normal());
            csv << "\n";
        }
        if (!csv)
            throw Error(out + "/inputs.csv: cannot write");

        if (kind == "builtin" || kind == "csv" || kind == "image_folder") {
            const DatasetBundle data = loadDataset(project.dataset, projectBaseDir(projectPath));
            Tensor x({data.train.size(), data.train.sampleSize()});
            Tensor y({data.train.size()});
            std::copy(data.train.features.begin(), data.train.features.end(), x.data());
            for (int64_t i = 0; i < data.train.size(); ++i)
                y.data()[i] = static_cast<float>(data.train.labels[size_t(i)]);
            writeSafetensors(out + "/dataset.safetensors", {{"features", x}, {"labels", y}},
                             {{"strata_normalization", toJson(data.normalization).dump()}});
        }
        if (augmentedEpochs > 0)
            writeAugmentedBatches(project, projectPath, augmentedEpochs,
                                  out + "/augmented.safetensors");
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "strata_codegen_tool: %s\n", e.what());
        return 1;
    }
}
