#pragma once
// QCOMPARE on std::string prints both values when they differ. Include before the first
// QCOMPARE that compares std::string.

#include <QTest>

#include <string>

namespace QTest {
template <> inline char *toString(const std::string &s)
{
    return qstrdup(s.c_str());
}
} // namespace QTest
