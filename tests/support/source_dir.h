#pragma once
// Where the tests find the source tree (example projects, test data): $STRATA_SOURCE_DIR,
// which CTest sets, else the tree this header was compiled from.

#include <QString>
#include <QtGlobal>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace strata::test {

// The repository root.
inline std::string sourceDir()
{
    if (qEnvironmentVariableIsSet("STRATA_SOURCE_DIR"))
        return qEnvironmentVariable("STRATA_SOURCE_DIR").toStdString();
#ifdef STRATA_EXAMPLES_DIR
    // The studio's targets know the examples folder as an absolute path; __FILE__ may be
    // relative (ccache's base_dir rewrites it).
    return std::filesystem::path(STRATA_EXAMPLES_DIR).parent_path().string();
#else
    // tests/support/source_dir.h → the repository root.
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
#endif
}

// An example project from projects/, e.g. examplePath("or_gate.strata").
inline QString examplePath(const QString &name)
{
    return QString::fromStdString(sourceDir()) + QStringLiteral("/projects/") + name;
}

// Every example project (projects/*.strata, sorted), then the graph that uses every layer
// type (tests/interop/all_layers.strata): the models export and interop tests run through.
inline std::vector<std::string> exampleProjectFiles()
{
    std::vector<std::string> paths;
    for (const auto &entry : std::filesystem::directory_iterator(sourceDir() + "/projects"))
        if (entry.path().extension() == ".strata")
            paths.push_back(entry.path().string());
    std::sort(paths.begin(), paths.end());
    paths.push_back(sourceDir() + "/tests/interop/all_layers.strata");
    return paths;
}

} // namespace strata::test
