#pragma once
// What exportPytorch and exportKeras share: the graph as the generated code sees it (nodes in
// topological order with Python names and their registry code), the checks on the weights,
// the generated data.py and the pieces of train.py and README.txt common to both.

#include "codegen/layer_code.h"
#include "strata/export.h"
#include "strata/layer.h"
#include "strata/shape_inference.h"

#include <string>
#include <vector>

namespace strata::internal {

enum class CodeDialect { Pytorch, Keras };

// One node of the graph as the generated code sees it.
struct CodeNode
{
    const Node *node = nullptr;
    const NodeAnalysis *analysis = nullptr;
    std::string attr;                   // Python identifier: attribute, variable, layer name
    std::vector<std::string> inputs;    // ids of the nodes feeding its ports, in port order
    std::vector<std::string> consumers; // ids of the nodes it feeds
    LayerCode code;
};

// Holds pointers into itself (nodes, analysis): movable, not copyable.
struct CodeModel
{
    CodeModel() = default;
    CodeModel(const CodeModel &) = delete;
    CodeModel &operator=(const CodeModel &) = delete;
    CodeModel(CodeModel &&) = default;

    GraphAnalysis analysis;
    std::string title;           // the project's name
    std::string className;       // "KerasCifar10Cnn"
    std::vector<CodeNode> nodes; // in topological order
    const CodeNode *input = nullptr;
    const CodeNode *output = nullptr;
    // Every node feeds only the next one: Keras can use Sequential.
    bool chain = true;
    // The output node turns scores into probabilities and the loss works on the scores
    // (Softmax + cross-entropy, Sigmoid + binary cross-entropy, fused in Strata).
    bool fusedOutput = false;
    // The function the loss implies on outputs that are scores ("softmax", "sigmoid"), or
    // "" when the outputs already are what strata-cli predict prints.
    std::string probability;
    int64_t outputs = 1; // values per sample at the output

    const CodeNode &node(const std::string &id) const;
};

// Analyses the graph, checks that `weights` holds every weight with its shape, chooses
// names and asks each node's layer type for its code. Throws Error listing the graph's
// problems, a missing or mis-shaped weight, or a layer type without a code hook.
CodeModel buildCodeModel(const Project &project, const WeightsFile &weights, CodeDialect dialect);

// The text with every line prefixed by `prefix` ("# " for comments), blank lines kept bare.
std::string indentLines(const std::string &text, const std::string &prefix);
// Python lists of the class names and the normalisation recorded with the weights.
std::string classNamesLiteral(const WeightsFile &weights);
std::string normalizationLiteral(const Normalization &n);

// Python: def normalize(samples, normalization<defaultArg>), raw samples normalised as Strata
// normalised the training data, in float32. The one copy every generated module carries
// (model.py passes "=NORMALIZATION", data.py "").
std::string normalizeFunction(const std::string &defaultArg);
// The generated data.py: the project's dataset as Strata loads it (the generated sets
// reproduced draw for draw with Strata's random stream, the files read the same way),
// normalised the same way. Identical for both frameworks.
std::string dataModuleSource(const Project &project);
// The generated data.py's augmentation (constants, augment_range(), augment_batch(): a NumPy
// copy of Strata's that draws the same numbers), or "" when the spec augments nothing.
std::string augmentationSource(const AugmentationSpec &spec);
// train.py's docstring sentence on the augmentation, or "" when the spec augments nothing.
std::string augmentationDocText(const AugmentationSpec &spec);
// README.txt's paragraph on the augmentation, or "" when the spec augments nothing.
std::string augmentationReadme(const AugmentationSpec &spec);
// The generated read_picture() and read_image_folder() (Pillow and numpy): image folders read
// as Strata reads them.
std::string imageFolderReaderSource();
// The generated read_safetensors() (numpy and json only).
std::string safetensorsReaderSource();
// The generated write_safetensors() and strata_metadata() (numpy, json, struct and os): files
// Strata's loadWeights reads, with the class names and normalisation it keeps.
std::string safetensorsWriterSource();
// PyTorch model.py's _assign(), load_weights() and save_weights(), the inverse of each other.
std::string torchWeightsSource(const CodeModel &m);
// Keras model.py's load_weights() and save_weights(): the layout conversions each weight's
// code names, and their inverses (the Strata shapes come from `weights`).
std::string kerasWeightsSource(const CodeModel &m, const WeightsFile &weights);
// One line per training setting, for docstrings and README.txt.
std::string trainingSummary(const Project &project);
// Python: def learning_rate(epoch) for constant/step/cosine schedules, or "" for plateau.
std::string learningRateFunction(const Project &project);

// The generated PyTorch train_ddp.py (torchrun, DistributedDataParallel; it imports model.py,
// data.py and train.py) and README.txt's paragraph on launching it.
std::string trainDdpSource(const Project &project, const CodeModel &m);
std::string ddpReadme();

// Creates the folder and writes the file, recording it in the report. Throws Error naming
// the path.
void writeTextFile(const std::string &folder, const std::string &name, const std::string &text,
                   ExportReport &report);

// The generated sources of one framework.
struct CodeFolder
{
    std::string model, train, readme;
    std::string trainDdp; // train_ddp.py (torchrun, DistributedDataParallel); "" for none
};

// Writes model.py, data.py (the project's data, shared by both frameworks), train.py,
// train_ddp.py when there is one, README.txt and weights.safetensors into outDir; the report
// lists them in that order.
ExportReport writeCodeFolder(const std::string &outDir, const Project &project,
                             const WeightsFile &weights, const CodeFolder &sources);

} // namespace strata::internal
