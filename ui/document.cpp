#include "ui/document.h"

#include "ui/auto_layout.h"
#include "ui/commands/edge_commands.h"
#include "ui/commands/layout_commands.h"
#include "ui/commands/node_commands.h"
#include "ui/commands/settings_commands.h"

#include <strata/layer.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace strata::ui {

QString toQString(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string toStd(const QString &s)
{
    return s.toStdString();
}

nlohmann::json jsonCoordinate(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15)
        return static_cast<int64_t>(v);
    return v;
}

namespace {

std::string lowerCase(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

} // namespace

Document::Batch::~Batch()
{
    if (--document_->batchDepth_ == 0 && document_->analysisPending_)
        document_->changed();
}

Document::Document(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<strata::Edge>();
    connect(&undoStack_, &QUndoStack::cleanChanged, this,
            [this](bool clean) { emit modifiedChanged(!clean); });
    reset(strata::newProject());
}

void Document::changed()
{
    if (batchDepth_ > 0) {
        analysisPending_ = true;
        return;
    }
    analysisPending_ = false;
    analysis_ = analyze(project_.graph);
    recheck();
    emit analysisChanged();
    emit problemsChanged();
}

void Document::recheck()
{
    const std::string baseDir =
        filePath_.isEmpty() ? std::string() : projectBaseDir(toStd(filePath_));
    problems_ = checkProject(project_, analysis_, baseDir);
}

const ProjectProblem *Document::problemFor(const QString &nodeId) const
{
    for (const ProjectProblem &p : problems_)
        if (toQString(p.nodeId) == nodeId)
            return &p;
    return nullptr;
}

void Document::reset(Project project, const QString &filePath)
{
    undoStack_.clear();
    project_ = std::move(project);
    if (!project_.ui.is_object())
        project_.ui = nlohmann::json::object();
    // Nodes without a saved place get one from the layout, so every node is visible.
    const auto layout = layeredLayout(project_.graph);
    auto &positions = project_.ui["positions"];
    if (!positions.is_object())
        positions = nlohmann::json::object();
    for (const Node &node : project_.graph.nodes()) {
        const auto it = positions.find(node.id);
        if (it == positions.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() ||
            !(*it)[1].is_number()) {
            const QPointF p = layout.value(toQString(node.id));
            positions[node.id] = {jsonCoordinate(p.x()), jsonCoordinate(p.y())};
        }
    }
    const bool pathChanged = filePath_ != filePath;
    filePath_ = filePath;
    analysis_ = analyze(project_.graph);
    recheck();
    emit projectReset();
    emit analysisChanged();
    emit settingsChanged();
    emit problemsChanged();
    if (pathChanged)
        emit filePathChanged(filePath_);
    emit modifiedChanged(false);
}

void Document::recover(Project project, const QString &filePath)
{
    reset(std::move(project), filePath);
    undoStack_.resetClean(); // modified until saved, whatever is undone
}

void Document::load(const QString &path)
{
    Project project = loadProject(toStd(path)); // throws before anything changes
    reset(std::move(project), path);
}

void Document::save(const QString &path)
{
    saveProject(project_, toStd(path));
    undoStack_.setClean();
    if (filePath_ != path) {
        filePath_ = path;
        emit filePathChanged(path);
    }
}

void Document::setEditingLocked(bool locked, const QString &reason)
{
    const QString why = reason.isEmpty() ? tr("Editing is locked while the model trains") : reason;
    if (locked_ == locked && lockReason_ == why)
        return;
    lockReason_ = why;
    locked_ = locked;
    emit editingLockedChanged(locked);
}

QString Document::refuseIfLocked() const
{
    return locked_ ? lockReason_ : QString();
}

// --- Edits -------------------------------------------------------------------------------

QString Document::addNode(const QString &type, QPointF position, QString *newId)
{
    if (locked_)
        return lockReason_;
    const LayerType *layer = LayerRegistry::instance().find(toStd(type));
    if (!layer)
        return tr("Unknown layer type '%1'").arg(type);
    Node node;
    node.type = layer->name;
    node.id = project_.graph.uniqueId(lowerCase(layer->name));
    node.name = node.id;
    if (newId)
        *newId = toQString(node.id);
    undoStack_.push(new AddNodeCommand(this, std::move(node), position));
    return {};
}

QString Document::removeNodes(const QStringList &ids)
{
    if (locked_)
        return lockReason_;
    QStringList present;
    for (const QString &id : ids)
        if (project_.graph.find(toStd(id)))
            present << id;
    if (present.isEmpty())
        return tr("Nothing to delete");
    undoStack_.push(new RemoveNodesCommand(this, present));
    return {};
}

QString Document::whyRefused(const Edge &edge) const
{
    if (auto err = project_.graph.checkEdge(edge))
        return QString::fromUtf8(err->what());
    return {};
}

QString Document::connectPorts(const Edge &edge)
{
    if (locked_)
        return lockReason_;
    if (QString why = whyRefused(edge); !why.isEmpty())
        return why;
    undoStack_.push(new ConnectCommand(this, edge));
    return {};
}

QString Document::disconnectPorts(const Edge &edge)
{
    if (locked_)
        return lockReason_;
    const auto &edges = project_.graph.edges();
    const auto it = std::find(edges.begin(), edges.end(), edge);
    if (it == edges.end())
        return tr("There is no such link");
    undoStack_.push(new DisconnectCommand(this, edge, static_cast<int>(it - edges.begin())));
    return {};
}

QString Document::setParam(const QString &nodeId, const QString &param, const nlohmann::json &value)
{
    if (locked_)
        return lockReason_;
    const Node *node = project_.graph.find(toStd(nodeId));
    if (!node)
        return tr("There is no node '%1'").arg(nodeId);
    Node edited = *node;
    edited.params[toStd(param)] = value;
    // The schema decides what is acceptable; shape problems are allowed (they are badged).
    try {
        LayerRegistry::instance().resolveParams(edited);
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    if (edited.params == node->params)
        return {};
    undoStack_.push(new SetParamCommand(this, nodeId, param, node->params, edited.params));
    return {};
}

QString Document::renameNode(const QString &nodeId, const QString &name)
{
    if (locked_)
        return lockReason_;
    const Node *node = project_.graph.find(toStd(nodeId));
    if (!node)
        return tr("There is no node '%1'").arg(nodeId);
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return tr("A layer needs a name");
    if (toStd(trimmed) == node->name)
        return {};
    undoStack_.push(new RenameNodeCommand(this, nodeId, toQString(node->name), trimmed));
    return {};
}

QString Document::moveNodes(const QHash<QString, QPointF> &positions)
{
    if (locked_)
        return lockReason_;
    QHash<QString, QPointF> before, after;
    for (auto it = positions.begin(); it != positions.end(); ++it) {
        if (!project_.graph.find(toStd(it.key())))
            continue;
        const QPointF old = position(it.key());
        if (old == it.value())
            continue;
        before.insert(it.key(), old);
        after.insert(it.key(), it.value());
    }
    if (after.isEmpty())
        return {};
    const QString text =
        after.size() == 1
            ? tr("Move %1").arg(toQString(project_.graph.find(toStd(after.begin().key()))->name))
            : tr("Move %n layers", nullptr, int(after.size()));
    undoStack_.push(new MoveNodesCommand(this, before, after, text));
    return {};
}

QString Document::autoLayout(LayoutDirection direction, int wrapAfter)
{
    if (locked_)
        return lockReason_;
    undoStack_.push(new AutoLayoutCommand(this, direction, wrapAfter));
    return {};
}

QString Document::paste(const nlohmann::json &fragment, QPointF offset, QStringList *newIds)
{
    if (locked_)
        return lockReason_;
    std::vector<Node> nodes;
    std::vector<Edge> edges;
    QHash<QString, QPointF> positions;
    Graph trial = project_.graph; // proves the paste is valid before it is pushed
    try {
        std::map<std::string, std::string> renamed;
        for (const auto &n : fragment.at("nodes")) {
            Node node;
            node.type = n.at("type").get<std::string>();
            const std::string oldId = n.at("id").get<std::string>();
            node.id = trial.uniqueId(lowerCase(node.type));
            const std::string name = n.value("name", oldId);
            node.name = name == oldId ? node.id : name;
            node.params = n.value("params", nlohmann::json::object());
            renamed[oldId] = node.id;
            trial.addNode(node);
            const auto &p = fragment.value("positions", nlohmann::json::object());
            QPointF at;
            if (p.contains(oldId))
                at = QPointF(p.at(oldId).at(0).get<double>(), p.at(oldId).at(1).get<double>());
            positions.insert(toQString(node.id), at + offset);
            nodes.push_back(std::move(node));
        }
        for (const auto &e : fragment.value("edges", nlohmann::json::array())) {
            const std::string from = e.at("from").at(0).get<std::string>();
            const std::string to = e.at("to").at(0).get<std::string>();
            if (!renamed.count(from) || !renamed.count(to))
                continue;
            Edge edge{{renamed[from], e.at("from").at(1).get<int>()},
                      {renamed[to], e.at("to").at(1).get<int>()}};
            trial.connect(edge);
            edges.push_back(edge);
        }
    } catch (const Error &e) {
        return tr("Cannot paste: %1").arg(QString::fromUtf8(e.what()));
    } catch (const nlohmann::json::exception &) {
        return tr("Cannot paste: the clipboard does not hold Strata layers");
    }
    if (nodes.empty())
        return tr("Nothing to paste");
    if (newIds)
        for (const Node &n : nodes)
            *newIds << toQString(n.id);
    const QString text = nodes.size() == 1 ? tr("Paste %1").arg(toQString(nodes.front().id))
                                           : tr("Paste %n layers", nullptr, int(nodes.size()));
    undoStack_.push(new PasteCommand(this, std::move(nodes), std::move(edges), positions, text));
    return {};
}

QString Document::setDatasetSpec(const DatasetSpec &spec)
{
    try {
        datasetSpecFromJson(toJson(spec), "/dataset"); // the engine's validation
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    if (toJson(spec) == toJson(project_.dataset))
        return {};
    // Settings the user never chose follow the dataset (a truth table needs a larger learning
    // rate and more epochs than an image set); chosen ones are kept.
    const TrainingSpec suggested = suggestedTraining(spec, project_.training);
    if (!hasSuggestedTraining(project_.training, project_.dataset) ||
        toJson(suggested) == toJson(project_.training)) {
        undoStack_.push(new SetDatasetSpecCommand(this, project_.dataset, spec));
        return {};
    }
    undoStack_.beginMacro(tr("Change the dataset and its training settings"));
    undoStack_.push(new SetDatasetSpecCommand(this, project_.dataset, spec));
    undoStack_.push(new SetTrainingSpecCommand(this, project_.training, suggested));
    undoStack_.endMacro();
    return {};
}

QString Document::setTrainingSpec(const TrainingSpec &spec)
{
    try {
        trainingSpecFromJson(toJson(spec), "/training");
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    if (toJson(spec) == toJson(project_.training))
        return {};
    undoStack_.push(new SetTrainingSpecCommand(this, project_.training, spec));
    return {};
}

QString Document::setProjectInfo(const QString &name, const QString &description)
{
    if (name.trimmed().isEmpty())
        return tr("A project needs a name");
    if (toStd(name) == project_.name && toStd(description) == project_.description)
        return {};
    undoStack_.push(new SetProjectInfoCommand(this, projectName(), toQString(project_.description),
                                              name, description));
    return {};
}

nlohmann::json Document::copyFragment(const QStringList &ids) const
{
    std::set<std::string> chosen;
    for (const QString &id : ids)
        chosen.insert(toStd(id));
    nlohmann::json nodes = nlohmann::json::array();
    nlohmann::json positions = nlohmann::json::object();
    for (const Node &n : project_.graph.nodes()) { // graph order keeps pastes stable
        if (!chosen.count(n.id))
            continue;
        nodes.push_back({{"id", n.id}, {"type", n.type}, {"name", n.name}, {"params", n.params}});
        const QPointF p = position(toQString(n.id));
        positions[n.id] = {p.x(), p.y()};
    }
    nlohmann::json edges = nlohmann::json::array();
    for (const Edge &e : project_.graph.edges())
        if (chosen.count(e.from.node) && chosen.count(e.to.node))
            edges.push_back({{"from", {e.from.node, e.from.port}}, {"to", {e.to.node, e.to.port}}});
    return {{"format", "strata-fragment"},
            {"nodes", nodes},
            {"edges", edges},
            {"positions", positions}};
}

QPointF Document::position(const QString &nodeId) const
{
    const auto &positions = project_.ui.value("positions", nlohmann::json::object());
    const auto it = positions.find(toStd(nodeId));
    if (it == positions.end() || !it->is_array() || it->size() != 2)
        return {};
    return QPointF((*it)[0].get<double>(), (*it)[1].get<double>());
}

} // namespace strata::ui
