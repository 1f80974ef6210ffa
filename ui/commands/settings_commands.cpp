#include "ui/commands/settings_commands.h"

#include "ui/document.h"

namespace strata::ui {

SetDatasetSpecCommand::SetDatasetSpecCommand(Document *document, DatasetSpec oldSpec,
                                             DatasetSpec newSpec)
    : document_(document), old_(std::move(oldSpec)), new_(std::move(newSpec))
{
    setText(QObject::tr("Change dataset settings"));
}

void SetDatasetSpecCommand::redo()
{
    document_->replaceDatasetSpec(new_);
}

void SetDatasetSpecCommand::undo()
{
    document_->replaceDatasetSpec(old_);
}

SetTrainingSpecCommand::SetTrainingSpecCommand(Document *document, TrainingSpec oldSpec,
                                               TrainingSpec newSpec)
    : document_(document), old_(std::move(oldSpec)), new_(std::move(newSpec))
{
    setText(QObject::tr("Change training settings"));
}

void SetTrainingSpecCommand::redo()
{
    document_->replaceTrainingSpec(new_);
}

void SetTrainingSpecCommand::undo()
{
    document_->replaceTrainingSpec(old_);
}

SetProjectInfoCommand::SetProjectInfoCommand(Document *document, const QString &oldName,
                                             const QString &oldDescription, const QString &newName,
                                             const QString &newDescription)
    : document_(document), oldName_(oldName), oldDescription_(oldDescription), newName_(newName),
      newDescription_(newDescription)
{
    setText(QObject::tr("Rename project to '%1'").arg(newName));
}

void SetProjectInfoCommand::redo()
{
    document_->replaceProjectInfo(newName_, newDescription_);
}

void SetProjectInfoCommand::undo()
{
    document_->replaceProjectInfo(oldName_, oldDescription_);
}

} // namespace strata::ui
