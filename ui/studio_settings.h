#pragma once
// The studio's saved preferences (window layout, recent files, zoom, view options).

#include <QSettings>

namespace strata::ui {

inline QSettings studioSettings()
{
    return QSettings(QStringLiteral("Strata"), QStringLiteral("Strata"));
}

} // namespace strata::ui
