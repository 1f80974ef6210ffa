#include "ui/commands/settings_commands.h"

#include "ui/document.h"

#include <QStringList>

namespace strata::ui {

namespace {

// "optimizer.lr" → "learning rate", "batch_size" → "batch size".
QString settingName(const QString &path)
{
    if (path == QLatin1String("optimizer.lr"))
        return QObject::tr("learning rate");
    if (path == QLatin1String("optimizer.type"))
        return QObject::tr("optimizer");
    if (path == QLatin1String("schedule.type"))
        return QObject::tr("schedule");
    QString name = path.section(QLatin1Char('.'), -1);
    return name.replace(QLatin1Char('_'), QLatin1Char(' '));
}

QString settingValue(const nlohmann::json &v)
{
    if (v.is_string())
        return toQString(v.get<std::string>());
    if (v.is_boolean())
        return v.get<bool>() ? QObject::tr("on") : QObject::tr("off");
    if (v.is_number_float())
        return QString::number(v.get<double>(), 'g', 6);
    return toQString(v.dump());
}

// The settings that differ, as dotted paths ("optimizer.lr"), each with its new value.
void diff(const nlohmann::json &before, const nlohmann::json &after, const QString &prefix,
          QList<QPair<QString, nlohmann::json>> &out)
{
    if (before.is_object() && after.is_object()) {
        for (auto it = after.begin(); it != after.end(); ++it) {
            const QString path = prefix + toQString(it.key());
            const auto old = before.find(it.key());
            if (old == before.end())
                out.append({path, it.value()});
            else
                diff(*old, it.value(), path + QLatin1Char('.'), out);
        }
        for (auto it = before.begin(); it != before.end(); ++it)
            if (!after.contains(it.key()))
                out.append({prefix + toQString(it.key()), nullptr});
        return;
    }
    if (before != after)
        out.append({prefix.chopped(prefix.endsWith(QLatin1Char('.')) ? 1 : 0), after});
}

// What the history shows: "Set learning rate to 0.1" for one change, else the names.
QString describe(const nlohmann::json &before, const nlohmann::json &after, const QString &what)
{
    QList<QPair<QString, nlohmann::json>> changes;
    diff(before, after, QString(), changes);
    if (changes.size() == 1 && !changes.front().second.is_null() &&
        !changes.front().second.is_structured())
        return QObject::tr("Set %1 to %2")
            .arg(settingName(changes.front().first), settingValue(changes.front().second));
    QStringList names;
    for (const auto &change : changes)
        if (!names.contains(settingName(change.first)))
            names << settingName(change.first);
    if (names.isEmpty())
        return QObject::tr("Change %1 settings").arg(what);
    return QObject::tr("Change %1 settings: %2").arg(what, names.join(QStringLiteral(", ")));
}

} // namespace

SetDatasetSpecCommand::SetDatasetSpecCommand(Document *document, DatasetSpec oldSpec,
                                             DatasetSpec newSpec)
    : document_(document), old_(std::move(oldSpec)), new_(std::move(newSpec))
{
    setText(describe(toJson(old_), toJson(new_), QObject::tr("dataset")));
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
    setText(describe(toJson(old_), toJson(new_), QObject::tr("training")));
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
