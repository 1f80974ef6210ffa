#pragma once
// The process's threads, for tests of what starts and ends OpenMP workers.

#include <filesystem>

namespace strata::test {

// Threads of this process now (entries of /proc/self/task).
inline int threadCount()
{
    int n = 0;
    for ([[maybe_unused]] const auto &entry :
         std::filesystem::directory_iterator("/proc/self/task"))
        ++n;
    return n;
}

} // namespace strata::test
