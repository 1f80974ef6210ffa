#pragma once
// The document: one open project, its file path, its undo stack and the latest shape analysis.
// Every edit goes through an undo command that calls the low-level mutators below; the node
// editor, the inspector and the panels only observe the signals. Works without any scene.

#include <strata/project.h>
#include <strata/project_check.h>
#include <strata/shape_inference.h>
#include <strata/training_defaults.h>

#include "ui/auto_layout.h"

#include <QHash>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QUndoStack>

namespace strata::ui {

class Document : public QObject
{
    Q_OBJECT

public:
    explicit Document(QObject *parent = nullptr);

    const Project &project() const { return project_; }
    const Graph &graph() const { return project_.graph; }
    const GraphAnalysis &analysis() const { return analysis_; }
    // What would stop Train (the engine's checkProject on the model, dataset and training
    // settings), kept current with every edit; problemsChanged() tells.
    const std::vector<ProjectProblem> &problems() const { return problems_; }
    // The first problem about a node, or null.
    const ProjectProblem *problemFor(const QString &nodeId) const;
    QUndoStack *undoStack() { return &undoStack_; }
    QString filePath() const { return filePath_; }
    QString projectName() const { return QString::fromStdString(project_.name); }
    // Unsaved changes: the undo stack is away from its clean state.
    bool isModified() const { return !undoStack_.isClean(); }

    // Replaces the whole project (New, Open); clears the undo stack. Nodes without a saved
    // position get one from the automatic layout.
    void reset(Project project, const QString &filePath = QString());
    // Replaces the project with work recovered after a crash: like reset(), but the document
    // starts modified (none of it is saved), so Save writes it to filePath (or asks where).
    void recover(Project project, const QString &filePath = QString());
    // Reads a .strata file. Throws ProjectError; on error the document is left untouched.
    void load(const QString &path);
    // Writes atomically and marks the document clean. Throws Error naming the path.
    void save(const QString &path);

    // Training locks graph editing; edits are refused with lockReason() meanwhile.
    void setEditingLocked(bool locked, const QString &reason = QString());
    bool isEditingLocked() const { return locked_; }
    QString lockReason() const { return lockReason_; }

    // --- Edits a user makes. Each pushes one undoable command, or returns why not (the
    // engine's message) without touching the project. An empty string means success.
    QString addNode(const QString &type, QPointF position, QString *newId = nullptr);
    QString removeNodes(const QStringList &ids);
    QString connectPorts(const Edge &edge);
    QString disconnectPorts(const Edge &edge);
    QString setParam(const QString &nodeId, const QString &param, const nlohmann::json &value);
    QString renameNode(const QString &nodeId, const QString &name);
    QString moveNodes(const QHash<QString, QPointF> &positions);
    // fragment: what copyFragment() returns. New ids are made fresh; positions shift by offset.
    QString paste(const nlohmann::json &fragment, QPointF offset, QStringList *newIds = nullptr);
    QString autoLayout(LayoutDirection direction = LayoutDirection::TopToBottom, int wrapAfter = 0);
    QString setDatasetSpec(const DatasetSpec &spec);
    QString setTrainingSpec(const TrainingSpec &spec);
    QString setProjectInfo(const QString &name, const QString &description);

    // The nodes (with the edges between them and their positions) as a self-contained JSON
    // fragment for the clipboard.
    nlohmann::json copyFragment(const QStringList &ids) const;

    // Where a node sits on the canvas (top-left corner), from the project's ui section.
    QPointF position(const QString &nodeId) const;
    // Why an edge would be refused, or an empty string.
    QString whyRefused(const Edge &edge) const;

    // --- Low-level mutators for the undo commands only: no checks beyond the engine's, no
    // undo. Each updates the analysis and emits the matching signal.
    void insertNode(int index, const Node &node, QPointF position);
    void eraseNode(const QString &nodeId);
    void insertEdge(int index, const Edge &edge);
    void eraseEdge(const Edge &edge);
    void replaceParams(const QString &nodeId, const nlohmann::json &params);
    void replaceName(const QString &nodeId, const QString &name);
    void replacePositions(const QHash<QString, QPointF> &positions);
    void replaceDatasetSpec(const DatasetSpec &spec);
    void replaceTrainingSpec(const TrainingSpec &spec);
    void replaceProjectInfo(const QString &name, const QString &description);

    // Groups several low-level changes so the analysis runs once at the end.
    class Batch
    {
    public:
        explicit Batch(Document *document) : document_(document) { ++document_->batchDepth_; }
        ~Batch();
        Batch(const Batch &) = delete;
        Batch &operator=(const Batch &) = delete;

    private:
        Document *document_;
    };

signals:
    void nodeAdded(const QString &nodeId);
    void nodeRemoved(const QString &nodeId);
    void nodeChanged(const QString &nodeId); // params or name
    void edgeAdded(const strata::Edge &edge);
    void edgeRemoved(const strata::Edge &edge);
    void positionsChanged(const QStringList &nodeIds);
    void analysisChanged();
    void problemsChanged();
    void projectReset();
    void settingsChanged(); // dataset, training, name or description
    void modifiedChanged(bool modified);
    void filePathChanged(const QString &path);
    void editingLockedChanged(bool locked);

private:
    void changed();
    void recheck();
    QString refuseIfLocked() const;

    Project project_;
    GraphAnalysis analysis_;
    std::vector<ProjectProblem> problems_;
    QString filePath_;
    QUndoStack undoStack_;
    bool locked_ = false;
    QString lockReason_;
    int batchDepth_ = 0;
    bool analysisPending_ = false;
};

QString toQString(const std::string &s);
std::string toStd(const QString &s);
// A canvas coordinate for the project file: whole numbers as integers, so positions read from
// a file come back unchanged.
nlohmann::json jsonCoordinate(double v);

} // namespace strata::ui

Q_DECLARE_METATYPE(strata::Edge)
