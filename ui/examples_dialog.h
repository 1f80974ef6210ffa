#pragma once
// The examples gallery: every project in the examples folder with its name, its one-line
// description and a thumbnail of its model, rendered by the node editor itself.

#include <strata/project.h>

#include <QDialog>
#include <QImage>

class QListWidget;

namespace strata::ui {

// The model of a project drawn as the canvas draws it, fitted into size.
QImage renderModelThumbnail(const Project &project, QSize size);

class ExamplesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ExamplesDialog(const QString &folder, QWidget *parent = nullptr);

    // The chosen project's path ("" when none).
    QString selectedPath() const;
    QListWidget *list() const { return list_; }

private:
    QListWidget *list_;
};

} // namespace strata::ui
