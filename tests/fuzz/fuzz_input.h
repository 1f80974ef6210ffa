#pragma once
// What every fuzz target shares: the loaders read files, so each input is written to a
// scratch file first (one per process and name, under $TMPDIR), and only Strata's own typed
// errors count as a correct refusal. Anything else that escapes (a std::out_of_range, a
// nlohmann exception, a crash) is a finding.

#include "strata/errors.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace strata::fuzz {

// A path under $TMPDIR (or /tmp) unique to this process: "<dir>/strata-fuzz-<pid>-<name>".
inline std::string scratchPath(const std::string &name)
{
    const char *dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/strata-fuzz-" + std::to_string(::getpid()) +
           "-" + name;
}

inline void writeFile(const std::string &path, const uint8_t *data, size_t size)
{
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) {
        std::perror(path.c_str());
        std::abort();
    }
    if (size > 0 && std::fwrite(data, 1, size, f) != size) {
        std::perror(path.c_str());
        std::abort();
    }
    std::fclose(f);
}

// An invariant of Strata itself broke (not a refusal of bad input): report and crash, so the
// fuzzer keeps the input.
[[noreturn]] inline void broken(const std::string &what)
{
    std::fprintf(stderr, "strata fuzz: invariant broken: %s\n", what.c_str());
    std::abort();
}

} // namespace strata::fuzz
