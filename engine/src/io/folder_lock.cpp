#include "strata/folder_lock.h"

#include "io/atomic_file.h"
#include "strata/errors.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace {

std::string readHolder(int fd)
{
    char text[64] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    std::string holder(text, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
        holder.pop_back();
    return holder;
}

} // namespace

FolderLock::FolderLock(const std::string &folder) : folder_(folder)
{
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec)
        throw Error(folder + ": cannot create the output folder (" + ec.message() + ")");
    path_ = (std::filesystem::path(folder) / ".strata-lock").string();
    // The holder removes the lock file when it ends; a file taken just before that is stale,
    // so take the lock on whatever the path names now, and retry if it changed meanwhile.
    for (int attempt = 0; attempt < 100; ++attempt) {
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw Error(folder + ": cannot write into the output folder (" + std::strerror(errno) +
                        "); choose another folder");
        // A look by isHeld (a list of runs) holds a shared lock for an instant: try again
        // for a moment before calling the folder busy.
        int tries = 0;
        while (::flock(fd_, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK && ++tries < 10)
            ::usleep(5000);
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            const std::string holder = readHolder(fd_);
            ::close(fd_);
            fd_ = -1;
            if (err == EWOULDBLOCK)
                throw FolderBusyError(folder + ": another training run writes into this folder (" +
                                      (holder.empty()
                                           ? std::string("a process that has just started")
                                           : "process " + holder) +
                                      "); wait for it to end, or choose another output folder");
            throw Error(folder + ": cannot lock the output folder (" + std::strerror(err) + ")");
        }
        struct stat held = {}, named = {};
        if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
            held.st_ino == named.st_ino && held.st_dev == named.st_dev)
            break;
        ::close(fd_); // the file was removed (its holder ended) while we took it
        fd_ = -1;
    }
    if (fd_ < 0)
        throw Error(folder + ": cannot lock the output folder (it keeps changing)");
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) < 0) {
        // The lock holds without the note; only the other run's message loses the pid.
    }
    // Only the lock holder writes there: what a killed writer left is stale.
    internal::removeStaleTemporaries(folder);
}

bool FolderLock::isHeld(const std::string &folder)
{
    const std::string path = (std::filesystem::path(folder) / ".strata-lock").string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false; // no lock file: its holder ended (or there never was one)
    // A lock of our own on another open file conflicts with any holder, this process's too.
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // releases the shared lock if we got it
    return held;
}

FolderLock::~FolderLock()
{
    if (fd_ >= 0) {
        ::unlink(path_.c_str());
        ::close(fd_);
    }
}

} // namespace strata
