#pragma once
// Writing a file whole or not at all (temporary, fsync, rename), or growing it by a record at
// a time (append, fsync): the one place that knows how.

#include "strata/errors.h"

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace strata::internal {

// A file that could not be written; the message is "Cannot write PATH: REASON".
class FileWriteError : public Error
{
public:
    FileWriteError(const std::string &path, const std::string &reason)
        : Error("Cannot write " + path + ": " + reason), path_(path), reason_(reason)
    {
    }
    const std::string &path() const { return path_; }
    const std::string &reason() const { return reason_; }

private:
    std::string path_;
    std::string reason_;
};

// Calls write with a stream onto a temporary file of its own in path's folder (named
// PATH.tmp-PID-N, so concurrent writers never share one), flushes it to disk (fsync) and
// renames it over path. On any failure the temporary is removed and an existing file at path
// is left as it was. I/O failures, and exceptions from write other than strata::Error, throw
// FileWriteError; a strata::Error from write passes through unchanged.
void writeFileAtomically(const std::string &path, const std::function<void(std::ostream &)> &write);
void writeFileAtomically(const std::string &path, std::string_view bytes);

// Appends bytes to the end of path (created when missing) and flushes them to disk (fsync)
// before returning, so a file that grows by a record at a time costs the record, not the
// file. A kill mid-call can leave a partial last record: readers of such files must know how
// many records count (a checkpoint says). Throws FileWriteError.
void appendDurably(const std::string &path, std::string_view bytes);

// Removes the temporaries that writeFileAtomically left in folder when its process was killed
// mid-write: files named "<name>.tmp-<pid>-<n>" whose process is gone, and when prefix is not
// empty only those whose name starts with prefix. A live writer's temporary is never touched.
// Returns how many were removed; a file that cannot be removed is left (it is harmless).
int removeStaleTemporaries(const std::string &folder, const std::string &prefix = {});

} // namespace strata::internal
