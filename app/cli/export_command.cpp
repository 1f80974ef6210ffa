// strata-cli export: a trained model out as ONNX, safetensors, or PyTorch / Keras code.

#include "cli.h"

#include "strata/backend.h"
#include "strata/export.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/weights_file.h"

#include <cstdio>
#include <filesystem>

namespace strata::cli {

namespace {

// The format from --format, or from the extension of --out when it says.
ExportFormat formatOf(const Args &args, const std::string &out)
{
    if (args.has("format")) {
        try {
            return exportFormatFromString(args.get("format"));
        } catch (const Error &e) {
            throw UsageError{std::string("--format: ") + e.what()};
        }
    }
    const std::string ext = std::filesystem::path(out).extension().string();
    if (ext == ".onnx")
        return ExportFormat::Onnx;
    if (ext == ".safetensors")
        return ExportFormat::Safetensors;
    throw UsageError{"needs --format onnx, safetensors, pytorch or keras"};
}

// Weights as the project's network initialises them (its seed and init convention).
WeightsFile freshWeights(const Project &project)
{
    std::unique_ptr<Backend> backend = createBackend("cpu");
    Network network(project.graph, *backend, parseLossKind(project.training.loss),
                    parseInitConvention(project.training.init), project.training.seed);
    WeightsFile w;
    w.weights = network.weightsToHost();
    w.classNames = project.dataset.classNames;
    return w;
}

} // namespace

int runExport(const Args &args)
{
    args.allowOnly({"weights", "format", "out"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file, --weights FILE, --format FORMAT and "
                         "--out PATH"};
    if (!args.has("out") || args.get("out").empty())
        throw UsageError{"needs --out PATH (a file for onnx and safetensors, a folder for "
                         "pytorch and keras)"};
    const std::string out = args.get("out");
    const ExportFormat format = formatOf(args, out);
    const Project project = loadProject(args.positional[0]);
    WeightsFile weights;
    if (args.has("weights")) {
        weights = loadWeights(args.get("weights"));
    } else {
        weights = freshWeights(project);
        std::printf("No --weights given: exporting freshly initialised weights (seed %llu); "
                    "train the project first for a useful model.\n",
                    static_cast<unsigned long long>(project.training.seed));
    }
    ExportReport report;
    try {
        report = exportModel(project, weights, format, out);
    } catch (const Error &e) {
        throw Error(std::string(e.what()) +
                    (args.has("weights") ? " (weights: " + args.get("weights") + ")" : ""));
    }
    for (const std::string &f : report.files)
        std::printf("Wrote %s\n", f.c_str());
    for (const std::string &n : report.notes)
        std::printf("Note: %s\n", n.c_str());
    return 0;
}

} // namespace strata::cli
