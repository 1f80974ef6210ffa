#pragma once
// The problems list: every shape error and graph-level problem of the latest analysis, one
// line each, in the engine's words. Activating a layer's problem selects that layer.

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

signals:
    void nodeActivated(const QString &nodeId);

private:
    void refresh();

    Document *document_;
};

} // namespace strata::ui
