#pragma once
// The rows of a layer test's table-driven slots: each backend ("reference", "cpu") alone, or
// each backend with each of a table's settings (anything with a `name`), as columns "backend"
// and "setting" (the index into the table).

#include <QString>
#include <QTest>

#include <string>

namespace strata::testing {

inline void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    for (const char *b : {"reference", "cpu"})
        QTest::newRow(b) << QString(b);
}

template <class Settings> void addBackendSettingRows(const Settings &settings)
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<int>("setting");
    for (const char *b : {"reference", "cpu"})
        for (size_t i = 0; i < settings.size(); ++i)
            QTest::newRow((std::string(b) + " " + settings[i].name).c_str())
                << QString(b) << static_cast<int>(i);
}

} // namespace strata::testing
