#pragma once
// The problems list: everything that would stop Train (the engine's checkProject: shape errors,
// graph-level problems, a model with nothing to train, a dataset that does not fit the model),
// one line each, in the engine's words. Activating a layer's problem shows that layer; a
// problem with a quick fix gets a row under it that applies the fix in one click (undoable).

#include <QListWidget>

namespace strata::ui {

class Document;

class ProblemsPanel : public QListWidget
{
    Q_OBJECT

public:
    explicit ProblemsPanel(Document *document, QWidget *parent = nullptr);

    // The node a row is about ("" for graph-level problems).
    static constexpr int kNodeRole = Qt::UserRole + 1;
    // On a quick-fix row: the index of its problem in Document::problems().
    static constexpr int kFixRole = Qt::UserRole + 2;

signals:
    void nodeActivated(const QString &nodeId);
    // A quick fix that could not be applied, and why.
    void fixRefused(const QString &why);

private:
    void refresh();
    void applyFix(int problemIndex);

    Document *document_;
};

// Why Train cannot start: the first error of the document's problems, and how many more;
// empty when there is no error.
QString whyTrainIsBlocked(const Document &document);

} // namespace strata::ui
