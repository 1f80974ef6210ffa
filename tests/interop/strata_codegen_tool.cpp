// A test-only helper for check_codegen.py: writes, for one project, weights that exercise
// every layer (the project's initialisation, with BatchNorm's statistics and affine
// parameters drawn at random so that they matter), the generated PyTorch and Keras folders,
// random raw input rows for strata-cli predict and, for the generated sets, CSV tables and
// image folders, the training set as Strata prepares it.
//
//   strata_codegen_tool PROJECT OUTDIR [--rows N]
//
// OUTDIR/weights.safetensors, OUTDIR/inputs.csv, OUTDIR/pytorch/, OUTDIR/keras/ and, for a
// generated set, a CSV table or an image folder, OUTDIR/dataset.safetensors ("features" N×F,
// "labels" N).

#include "strata/backend.h"
#include "strata/dataset.h"
#include "strata/export.h"
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

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "Usage: strata_codegen_tool PROJECT OUTDIR [--rows N]\n");
        return 2;
    }
    const std::string projectPath = argv[1], out = argv[2];
    int rows = 8;
    if (argc >= 5 && !std::strcmp(argv[3], "--rows"))
        rows = std::stoi(argv[4]);
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
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "strata_codegen_tool: %s\n", e.what());
        return 1;
    }
}
