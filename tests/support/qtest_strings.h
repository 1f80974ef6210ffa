#pragma once
// QCOMPARE on std::string and nlohmann::json prints both values when they differ. Include
// before the first QCOMPARE that compares them.

#include <QTest>

#include <nlohmann/json.hpp>

#include <string>

namespace QTest {
template <> inline char *toString(const std::string &s)
{
    return qstrdup(s.c_str());
}
template <> inline char *toString(const nlohmann::json &j)
{
    return qstrdup(j.dump().c_str());
}
} // namespace QTest
