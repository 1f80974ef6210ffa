#include "codegen/codegen.h"

#include "codegen/python_text.h"
#include "core/layer_impl.h"

#include "strata/errors.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace strata::internal {

namespace {

// Names a node's identifier must not take: they would shadow what the generated code uses,
// or an nn.Module attribute.
const std::set<std::string> &reservedNames()
{
    static const std::set<std::string> names = {
        "self", "torch", "nn", "F", "np", "math", "keras", "layers", "tf", "json", "struct", "os",
        "avg_pool_padded", "model", "return_logits", "super",
        // nn.Module attributes and methods
        "training", "forward", "train", "eval", "parameters", "buffers", "modules", "children",
        "state_dict", "load_state_dict", "to", "cpu", "cuda", "type", "float", "double", "half",
        "apply", "zero_grad", "register_buffer", "add_module", "extra_repr", "named_parameters",
        "named_modules", "requires_grad_", "get_submodule"};
    return names;
}

// Element-wise layers keep the order of a flat vector (LayerImpl::keepsFlatOrder), so a
// Flatten's order can pass through them to the Dense that absorbs it.
bool keepsFlatOrder(const std::string &type)
{
    const LayerRegistry &registry = LayerRegistry::instance();
    return registry.impl(registry.get(type)).keepsFlatOrder;
}

// Keras: collects the Dense layers a Flatten feeds through order-keeping layers; false when
// the flat order reaches anything else (or the model's output).
bool denseOnlyReaders(const CodeModel &m, const CodeNode &n, std::vector<std::string> &dense)
{
    if (n.consumers.empty())
        return false;
    for (const std::string &id : n.consumers) {
        const CodeNode &c = m.node(id);
        if (c.node->type == "Dense")
            dense.push_back(id);
        else if (!keepsFlatOrder(c.node->type) || !denseOnlyReaders(m, c, dense))
            return false;
    }
    return true;
}

} // namespace

const CodeNode &CodeModel::node(const std::string &id) const
{
    for (const CodeNode &n : nodes)
        if (n.node->id == id)
            return n;
    throw Error("Code export: no node '" + id + "'");
}

CodeModel buildCodeModel(const Project &project, const WeightsFile &weights, CodeDialect dialect)
{
    const Graph &graph = project.graph;
    CodeModel m;
    m.analysis = analyze(graph);
    const GraphAnalysis &analysis = m.analysis;
    if (!analysis.ok()) {
        std::string all;
        for (const std::string &p : analysis.problems(graph))
            all += "\n" + p;
        throw Error("The model cannot be exported until it is complete:" + all);
    }
    const LayerRegistry &registry = LayerRegistry::instance();

    // Every weight the graph needs, with its shape.
    std::map<std::string, const Tensor *> given;
    for (const auto &[name, t] : weights.weights)
        given[name] = &t;
    for (const Node &n : graph.nodes()) {
        const NodeAnalysis &a = *analysis.find(n.id);
        for (const WeightSpec &w : registry.get(n.type).weights(n, a.resolvedParams, a.inputs)) {
            const std::string name = n.id + "." + w.name;
            const auto it = given.find(name);
            if (it == given.end())
                throw Error("The weights have no '" + name + "' for " + describe(n) +
                            ": export the weights of this project (after training, or as "
                            "initialised)");
            if (it->second->shape() != w.shape)
                throw Error("The weight '" + name + "' is " + toString(it->second->shape()) +
                            " but " + describe(n) + " needs " + toString(w.shape) +
                            ": the weights belong to another version of the model");
        }
    }

    m.title = project.name;
    m.className = pythonClassName(project.name);
    std::set<std::string> used(reservedNames());
    used.insert(m.className);
    for (const std::string &id : graph.topologicalOrder()) {
        CodeNode c;
        c.node = graph.find(id);
        c.analysis = analysis.find(id);
        std::string base = pythonIdentifier(c.node->name.empty() ? id : c.node->name);
        if (reservedNames().count(base) || base == m.className)
            base += "_";
        std::string attr = base;
        for (int k = 2; used.count(attr); ++k)
            attr = base + "_" + std::to_string(k);
        used.insert(attr);
        c.attr = attr;
        const int ports = graph.inputPortCount(*c.node);
        for (int p = 0; p < ports; ++p)
            c.inputs.push_back(graph.edgeInto({id, p})->from.node);
        for (const Edge &e : graph.edgesFrom(id))
            c.consumers.push_back(e.to.node);
        std::sort(c.consumers.begin(), c.consumers.end());
        c.consumers.erase(std::unique(c.consumers.begin(), c.consumers.end()), c.consumers.end());
        if (c.inputs.size() > 1 || c.consumers.size() > 1)
            m.chain = false;
        m.nodes.push_back(std::move(c));
    }

    // Keras lays flattened images out H×W×C: decide per Flatten how Strata's order is kept.
    std::map<std::string, Shape> flattenedFrom;
    std::set<std::string> permuted;
    if (dialect == CodeDialect::Keras) {
        for (const CodeNode &c : m.nodes) {
            if (c.node->type != "Flatten" || c.analysis->inputs[0].size() != 3)
                continue;
            std::vector<std::string> dense;
            if (denseOnlyReaders(m, c, dense))
                for (const std::string &id : dense)
                    flattenedFrom[id] = c.analysis->inputs[0];
            else
                permuted.insert(c.node->id);
        }
    }

    for (CodeNode &c : m.nodes) {
        const internal::LayerImpl &impl = registry.impl(registry.get(c.node->type));
        if (!impl.code)
            throw Error(describe(*c.node) + ": layer type " + c.node->type +
                        " has no PyTorch/Keras code mapping yet");
        std::vector<std::string> vars;
        for (const std::string &id : c.inputs)
            vars.push_back(m.node(id).attr);
        CodeContext context{*c.node,
                            c.analysis->resolvedParams,
                            c.analysis->inputs,
                            c.analysis->output,
                            c.attr,
                            vars,
                            {},
                            permuted.count(c.node->id) > 0};
        if (auto it = flattenedFrom.find(c.node->id); it != flattenedFrom.end())
            context.flattenedFrom = it->second;
        c.code = impl.code(context);
    }

    m.input = &m.node(analysis.inputNode);
    m.output = &m.node(analysis.outputNode);
    m.outputs = numel(m.output->analysis->output);
    const LossKind loss = parseLossKind(project.training.loss);
    m.fusedOutput = outputFusedWithLoss(loss, m.output->node->type);
    if (!m.fusedOutput && loss == LossKind::CrossEntropy)
        m.probability = "softmax";
    else if (!m.fusedOutput && loss == LossKind::BinaryCrossEntropy)
        m.probability = "sigmoid";
    return m;
}

std::string normalizeFunction(const std::string &defaultArg)
{
    return "def normalize(samples, normalization" + defaultArg + R"PY():
    """Raw samples normalised as Strata normalised the training data, in float32:
    x' = (x × scale − mean[c]) / std[c]."""
    x = np.asarray(samples, dtype=np.float32) * np.float32(normalization["scale"])
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if normalization["mean"]:
        x = x - np.asarray(normalization["mean"], dtype=np.float32).reshape(shape)
    if normalization["std"]:
        x = x / np.asarray(normalization["std"], dtype=np.float32).reshape(shape)
    return x
)PY";
}

std::string indentLines(const std::string &text, const std::string &prefix)
{
    std::string out, line;
    auto flush = [&](bool newline) {
        std::string p = prefix;
        if (line.empty())
            p.erase(p.find_last_not_of(' ') + 1);
        out += p + line + (newline ? "\n" : "");
        line.clear();
    };
    for (const char ch : text) {
        if (ch == '\n')
            flush(true);
        else
            line += ch;
    }
    if (!line.empty())
        flush(false);
    return out;
}

std::string classNamesLiteral(const WeightsFile &weights)
{
    std::string line = "[";
    for (size_t i = 0; i < weights.classNames.size(); ++i)
        line += (i ? ", " : "") + pyString(weights.classNames[i]);
    line += "]";
    if (line.size() <= 80)
        return line;
    std::string out = "[\n";
    for (const std::string &name : weights.classNames)
        out += "    " + pyString(name) + ",\n";
    return out + "]";
}

std::string normalizationLiteral(const Normalization &n)
{
    auto list = [](const std::vector<float> &v) {
        std::string s = "[";
        for (size_t i = 0; i < v.size(); ++i)
            s += (i ? ", " : "") + pyFloat32(v[i]);
        return s + "]";
    };
    return "{\"mode\": " + pyString(n.mode) + ", \"scale\": " + pyFloat32(n.scale) +
           ", \"mean\": " + list(n.mean) + ", \"std\": " + list(n.std) + "}";
}

std::string trainingSummary(const Project &project)
{
    const TrainingSpec &t = project.training;
    const OptimizerSpec &o = t.optimizer;
    std::string opt = o.type + " (lr " + pyFloat(o.lr);
    if ((o.type == "sgd" || o.type == "rmsprop") && o.momentum > 0)
        opt += ", momentum " + pyFloat(o.momentum) + (o.nesterov ? ", nesterov" : "");
    if (o.type == "adam" || o.type == "adamw")
        opt += ", betas " + pyFloat(o.beta1) + "/" + pyFloat(o.beta2);
    if (o.type != "sgd")
        opt += ", eps " + pyFloat(o.eps);
    if (o.type == "rmsprop")
        opt += ", rho " + pyFloat(o.rho);
    if (o.weightDecay > 0)
        opt += ", weight decay " + pyFloat(o.weightDecay);
    opt += ")";
    const ScheduleSpec &s = t.schedule;
    std::string schedule = s.type;
    if (s.type == "step")
        schedule += " (×" + pyFloat(s.gamma) + " every " + std::to_string(s.stepSize) + " epochs)";
    else if (s.type == "cosine")
        schedule += " (period " + (s.tMax ? std::to_string(s.tMax) : std::string("all")) +
                    " epochs, floor " + pyFloat(s.minLr) + ")";
    else if (s.type == "plateau")
        schedule += " (×" + pyFloat(s.factor) + " after " + std::to_string(s.patience) +
                    " epochs without improvement, floor " + pyFloat(s.minLr) + ")";
    std::string validation = t.validationSplit > 0
                                 ? "the last " + pyFloat(t.validationSplit) + " of the training set"
                                 : "the test set, when there is one";
    return "Epochs: " + std::to_string(t.epochs) + ", batch size " + std::to_string(t.batchSize) +
           (t.shuffle ? ", shuffled every epoch" : ", not shuffled") + "\nLoss: " + t.loss +
           "\nOptimizer: " + opt + "\nLearning-rate schedule: " + schedule +
           "\nValidation: " + validation +
           (t.earlyStoppingPatience > 0
                ? "\nEarly stopping after " + std::to_string(t.earlyStoppingPatience) +
                      " epochs without improvement"
                : std::string()) +
           (t.keepBest ? "\nThe best epoch's weights are kept" : "") +
           "\nSeed: " + std::to_string(t.seed);
}

std::string learningRateFunction(const Project &project)
{
    const ScheduleSpec &s = project.training.schedule;
    const std::string lr = pyFloat(project.training.optimizer.lr);
    std::string body;
    if (s.type == "constant") {
        body = "    return " + lr + "\n";
    } else if (s.type == "step") {
        body = "    # Multiplied by " + pyFloat(s.gamma) + " every " + std::to_string(s.stepSize) +
               " epochs (PyTorch's StepLR).\n    return " + lr + " * " + pyFloat(s.gamma) +
               " ** (epoch // " + std::to_string(s.stepSize) + ")\n";
    } else if (s.type == "cosine") {
        const std::string tMax = s.tMax > 0 ? std::to_string(s.tMax) : "epochs";
        body = "    # Half a cosine from the base rate down to " + pyFloat(s.minLr) + " over " +
               (s.tMax > 0 ? tMax : std::string("the run's")) +
               " epochs\n    # (PyTorch's CosineAnnealingLR).\n    return " + pyFloat(s.minLr) +
               " + (" + lr + " - " + pyFloat(s.minLr) + ") * (1 + math.cos(math.pi * epoch / " +
               tMax + ")) / 2\n";
    } else {
        return "";
    }
    return "def learning_rate(epoch, epochs):\n    \"\"\"The learning rate of the 0-based epoch, "
           "as Strata's schedule gives it.\"\"\"\n" +
           body;
}

void writeTextFile(const std::string &folder, const std::string &name, const std::string &text,
                   ExportReport &report)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw Error(folder + ": cannot create the folder (" + ec.message() + ")");
    const std::string path = (fs::path(folder) / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw Error(path + ": cannot write the file");
    report.files.push_back(path);
}

ExportReport writeCodeFolder(const std::string &outDir, const Project &project,
                             const WeightsFile &weights, const CodeFolder &sources)
{
    ExportReport report;
    writeTextFile(outDir, "model.py", sources.model, report);
    writeTextFile(outDir, "data.py", dataModuleSource(project), report);
    writeTextFile(outDir, "train.py", sources.train, report);
    if (!sources.trainDdp.empty())
        writeTextFile(outDir, "train_ddp.py", sources.trainDdp, report);
    writeTextFile(outDir, "README.txt", sources.readme, report);
    const std::string weightsPath =
        (std::filesystem::path(outDir) / "weights.safetensors").string();
    saveWeights(weightsPath, weights);
    report.files.push_back(weightsPath);
    return report;
}

} // namespace strata::internal
