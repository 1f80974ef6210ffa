#pragma once
// Export and import: a trained model leaves Strata as ONNX, safetensors, or generated
// PyTorch / Keras code, and ONNX made by other tools comes in as a new project.
// Each layer type's mapping lives with its registry entry (see layer.h); the writers here
// walk the graph and ask the registry.

#include "strata/project.h"
#include "strata/weights_file.h"

#include <string>
#include <vector>

namespace strata {

enum class ExportFormat { Onnx, Safetensors, Pytorch, Keras };

// "onnx", "safetensors", "pytorch", "keras"; throws Error listing the known formats.
ExportFormat exportFormatFromString(const std::string &name);
std::string toString(ExportFormat format);

// What an export wrote, for the CLI and the studio's report.
struct ExportReport
{
    std::vector<std::string> files; // every file written, in the order written
    std::vector<std::string> notes; // e.g. "Dropout 'drop1' left out (identity at inference)"
};

// `weights` holds every weight of the project's graph ("<node id>.<weight>"), its class
// names and normalisation. `out` is a file for ONNX and safetensors, a folder for code.
// Throws Error (or ShapeError naming the node) saying what is wrong and what to do.
ExportReport exportOnnx(const Project &project, const WeightsFile &weights,
                        const std::string &out);
ExportReport exportSafetensors(const Project &project, const WeightsFile &weights,
                               const std::string &out);
ExportReport exportPytorch(const Project &project, const WeightsFile &weights,
                           const std::string &outDir);
ExportReport exportKeras(const Project &project, const WeightsFile &weights,
                         const std::string &outDir);
// Dispatches on the format.
ExportReport exportModel(const Project &project, const WeightsFile &weights, ExportFormat format,
                         const std::string &out);

// An ONNX model imported as a project plus its weights.
struct ImportResult
{
    Project project;
    WeightsFile weights;
    std::vector<std::string> notes; // what was mapped how
};

// Throws ImportError when the file is unreadable or malformed, or uses ops Strata lacks
// (every unsupported op listed by name with its node).
ImportResult importOnnx(const std::string &path);

} // namespace strata
