// strata-conformance [--require] [BACKEND...]: runs the backend conformance checks on each
// backend (default: cpu and cuda) and prints one line per check. Exits 1 when a check fails,
// or, with --require, when a named backend is not available here.

#include "backend_conformance.h"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    bool require = false;
    std::vector<std::string> backends;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--require")
            require = true;
        else if (arg == "-h" || arg == "--help") {
            std::puts("usage: strata-conformance [--require] [BACKEND...]  (default: cpu cuda)");
            return 0;
        } else
            backends.push_back(arg);
    }
    if (backends.empty())
        backends = {"cpu", "cuda"};

    int failed = 0, passed = 0, missing = 0;
    const auto checks = strata::testing::conformanceChecks();
    for (const std::string &kind : backends) {
        std::string why;
        auto backend = strata::testing::tryCreateBackend(kind, &why);
        if (!backend) {
            std::printf("SKIP %s: %s\n", kind.c_str(), why.c_str());
            ++missing;
            continue;
        }
        std::printf("== %s: %s\n", kind.c_str(), backend->description().c_str());
        for (const auto &check : checks) {
            const std::string problem = check.run(*backend);
            std::printf("%s %s: %s%s%s\n", problem.empty() ? "PASS" : "FAIL", kind.c_str(),
                        check.name.c_str(), problem.empty() ? "" : ": ", problem.c_str());
            (problem.empty() ? passed : failed)++;
        }
    }
    std::printf("%d passed, %d failed, %d backend(s) unavailable\n", passed, failed, missing);
    return failed > 0 || (require && missing > 0) ? 1 : 0;
}
