#pragma once
// Undo commands for the project's dataset and training settings and its name.

#include <strata/project.h>

#include <QString>
#include <QUndoCommand>

namespace strata::ui {

class Document;

class SetDatasetSpecCommand : public QUndoCommand
{
public:
    SetDatasetSpecCommand(Document *document, DatasetSpec oldSpec, DatasetSpec newSpec);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    DatasetSpec old_, new_;
};

class SetTrainingSpecCommand : public QUndoCommand
{
public:
    SetTrainingSpecCommand(Document *document, TrainingSpec oldSpec, TrainingSpec newSpec);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    TrainingSpec old_, new_;
};

class SetProjectInfoCommand : public QUndoCommand
{
public:
    SetProjectInfoCommand(Document *document, const QString &oldName, const QString &oldDescription,
                          const QString &newName, const QString &newDescription);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    QString oldName_, oldDescription_, newName_, newDescription_;
};

} // namespace strata::ui
