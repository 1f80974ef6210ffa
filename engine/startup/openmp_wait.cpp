// How long an idle OpenMP thread spins before it sleeps, set before the OpenMP runtime starts.
//
// Linked into each Strata program (not the engine library). GNU libgomp reads its settings
// from the environment once, in its initialiser, before main() runs; libgomp's default spins
// for about 300,000 iterations (milliseconds) at every barrier and between parallel regions.
// On a quiet machine that gains little over a short spin, but when another thread wants the
// core (the studio's GUI thread, a build, a second trainer) the spinning thread holds a core
// while the one it waits for is descheduled: training ran at a third to a half of its speed on
// a shared 2-core machine (bench/README.md, "OpenMP's wait policy"). A short spin keeps the
// quiet machine's speed and gives the core back.
//
// The only code that runs before libgomp's initialiser is the program's .preinit_array, and
// there the C library has not yet taken the environment (a setenv() there is lost when it
// does), so the program starts itself again at once with GOMP_SPINCOUNT added: before any
// library has initialised, which costs a few milliseconds. What a user set wins: with
// OMP_WAIT_POLICY or GOMP_SPINCOUNT in the environment nothing is changed (OMP_WAIT_POLICY=active
// restores libgomp's own behaviour). When the program cannot be started again (no /proc), it
// runs with libgomp's default. Child processes inherit the setting. The program is started
// again by its own path, not as /proc/self/exe: the kernel names a process after the file it
// was started from, and `ps`, `top` and `pkill strata` would otherwise see "exe".
#include <climits>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace {

// Iterations of libgomp's spin loop (a pause instruction each): well under a millisecond.
constexpr const char *kSpinSetting = "GOMP_SPINCOUNT=10000";

bool startsWith(const char *text, const char *prefix)
{
    return std::strncmp(text, prefix, std::strlen(prefix)) == 0;
}

void setOpenMpWait(int, char **argv, char **envp)
{
    if (!argv || !envp)
        return;
    size_t count = 0;
    for (char **e = envp; *e; ++e, ++count)
        if (startsWith(*e, "OMP_WAIT_POLICY=") || startsWith(*e, "GOMP_SPINCOUNT="))
            return;
    auto **environment = static_cast<char **>(std::malloc((count + 2) * sizeof(char *)));
    if (!environment)
        return;
    std::memcpy(environment, envp, count * sizeof(char *));
    environment[count] = const_cast<char *>(kSpinSetting);
    environment[count + 1] = nullptr;
    // The program's own path (readlink does not end it with a NUL); /proc/self/exe itself when
    // it cannot be read or the file was replaced since ("... (deleted)").
    char path[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    const char *program = "/proc/self/exe";
    if (length > 0) {
        path[length] = '\0';
        constexpr const char *kDeleted = " (deleted)";
        const size_t suffix = std::strlen(kDeleted);
        if (!(size_t(length) > suffix && std::strcmp(path + length - suffix, kDeleted) == 0))
            program = path;
    }
    execve(program, argv, environment); // returns only when it failed
    if (program == path)
        execve("/proc/self/exe", argv, environment);
    std::free(environment);
}

} // namespace

// Runs before every shared library's initialiser, libgomp's included.
__attribute__((section(".preinit_array"),
               used)) static void (*const strataOpenMpWait)(int, char **, char **) = &setOpenMpWait;
