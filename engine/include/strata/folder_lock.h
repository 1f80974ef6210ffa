#pragma once
// One writer per output folder: a training run holds its folder's lock for as long as it
// writes there, so a second run into the same folder is refused at once, with a message that
// names the process holding it, instead of both overwriting each other's files mid-run.

#include "strata/errors.h"

#include <string>

namespace strata {

// The folder's lock is held by another live process (or another FolderLock of this one).
class FolderBusyError : public Error
{
public:
    using Error::Error;
};

class FolderLock
{
public:
    // Creates the folder when missing and takes its lock (an advisory lock on the file
    // ".strata-lock" inside it, released by the system when the process dies, however it
    // dies), then removes the temporary files that writers killed mid-write left there. Throws
    // FolderBusyError naming the folder and the process that holds the lock, or Error saying
    // why the folder cannot be used.
    explicit FolderLock(const std::string &folder);
    ~FolderLock(); // releases the lock and removes the lock file
    FolderLock(const FolderLock &) = delete;
    FolderLock &operator=(const FolderLock &) = delete;

    const std::string &folder() const { return folder_; }
    // Whether a live process (this one included) holds the folder's lock now. Creates and
    // removes nothing.
    static bool isHeld(const std::string &folder);

private:
    std::string folder_;
    std::string path_;
    int fd_ = -1;
};

} // namespace strata
