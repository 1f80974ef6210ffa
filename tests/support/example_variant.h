#pragma once
// An example project with a few settings changed, written where a test wants it (so its runs
// go beside it, never beside the examples): `changes` is merged into the example's JSON one
// section deep ({"training": {"epochs": 3}} changes only the epochs). Header-only, Qt Core.

#include "source_dir.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace strata::test {

// Returns false when the example cannot be read or the file cannot be written.
inline bool writeExampleVariant(const QString &example, const QString &path,
                                const QJsonObject &changes)
{
    QFile in(examplePath(example));
    if (!in.open(QIODevice::ReadOnly))
        return false;
    QJsonObject project = QJsonDocument::fromJson(in.readAll()).object();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().isObject() && project.value(it.key()).isObject()) {
            QJsonObject section = project.value(it.key()).toObject();
            const QJsonObject changed = it.value().toObject();
            for (auto c = changed.begin(); c != changed.end(); ++c)
                section[c.key()] = c.value();
            project[it.key()] = section;
        } else {
            project[it.key()] = it.value();
        }
    }
    QFile out(path);
    return out.open(QIODevice::WriteOnly) && out.write(QJsonDocument(project).toJson()) > 0;
}

} // namespace strata::test
