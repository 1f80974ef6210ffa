// strata-cli import: an ONNX model (from PyTorch's exporter, say) in as a new project, with
// its weights in a safetensors file next to it.

#include "cli.h"

#include "strata/export.h"
#include "strata/project.h"
#include "strata/shape_inference.h"
#include "strata/weights_file.h"

#include <cstdio>
#include <filesystem>

namespace strata::cli {

int runImport(const Args &args)
{
    args.allowOnly({"out"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one ONNX model file and --out PROJECT.strata"};
    if (!args.has("out") || args.get("out").empty())
        throw UsageError{"needs --out PROJECT.strata (the weights go next to it, as "
                         "PROJECT.safetensors)"};
    const std::filesystem::path out = args.get("out");
    if (out.extension() != ".strata")
        throw UsageError{"--out expects a project file name ending in .strata, not '" +
                         out.string() + "'"};
    ImportResult r = importOnnx(args.positional[0]);
    std::filesystem::path weightsPath = out;
    weightsPath.replace_extension(".safetensors");
    saveProject(r.project, out.string());
    saveWeights(weightsPath.string(), r.weights);

    const GraphAnalysis a = analyze(r.project.graph);
    std::printf("Imported %s: %zu layers, %lld parameters\n", args.positional[0].c_str(),
                r.project.graph.nodes().size(), static_cast<long long>(a.totalParams));
    for (const std::string &n : r.notes)
        std::printf("Note: %s\n", n.c_str());
    std::printf("Wrote %s\nWrote %s\n", out.string().c_str(), weightsPath.string().c_str());
    return 0;
}

} // namespace strata::cli
