// The export formats by name, the dispatch, and the safetensors export (the weights file as
// it is, once every weight the graph needs has been checked).

#include "strata/export.h"

#include "io/export_check.h"
#include "strata/errors.h"

namespace strata {

ExportFormat exportFormatFromString(const std::string &name)
{
    for (ExportFormat f : {ExportFormat::Onnx, ExportFormat::Safetensors, ExportFormat::Pytorch,
                           ExportFormat::Keras})
        if (toString(f) == name)
            return f;
    throw Error("Unknown export format '" + name + "': choose onnx, safetensors, pytorch or keras");
}

std::string toString(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Onnx:
        return "onnx";
    case ExportFormat::Safetensors:
        return "safetensors";
    case ExportFormat::Pytorch:
        return "pytorch";
    case ExportFormat::Keras:
        return "keras";
    }
    return "onnx";
}

ExportReport exportSafetensors(const Project &project, const WeightsFile &weights,
                               const std::string &out)
{
    const internal::CheckedModel m = internal::checkExport(project, weights);
    saveWeights(out, weights);
    ExportReport report;
    report.files.push_back(out);
    if (!m.unused.empty()) {
        std::string names;
        for (const std::string &n : m.unused)
            names += (names.empty() ? "" : ", ") + n;
        report.notes.push_back("Kept " + std::to_string(m.unused.size()) +
                               " tensor(s) the graph does not use: " + names);
    }
    return report;
}

ExportReport exportModel(const Project &project, const WeightsFile &weights, ExportFormat format,
                         const std::string &out)
{
    switch (format) {
    case ExportFormat::Onnx:
        return exportOnnx(project, weights, out);
    case ExportFormat::Safetensors:
        return exportSafetensors(project, weights, out);
    case ExportFormat::Pytorch:
        return exportPytorch(project, weights, out);
    case ExportFormat::Keras:
        return exportKeras(project, weights, out);
    }
    throw Error("Unknown export format");
}

} // namespace strata
