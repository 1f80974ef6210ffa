#pragma once
// Crash recovery. A recovery file: the studio's autosave of a project with unsaved changes, kept in
// the user's data folder (never over the project file) so that work survives a crash. It says which
// project file it belongs to (or that the project was untitled, or a copy of an example), when it
// was written, and holds the whole project. JSON, with its own format_version; described in
// docs/file-formats.md.

#include "strata/errors.h"
#include "strata/project.h"

#include <string>

namespace strata {

constexpr int kRecoveryFormatVersion = 1;

struct RecoveryFile
{
    enum class Origin {
        File,     // projectPath is the .strata file the project was opened from or saved to
        Untitled, // never saved; projectPath is empty
        Example,  // an untitled copy of the example at projectPath
    };
    Origin origin = Origin::Untitled;
    std::string projectPath;
    std::string autosavedAt; // ISO 8601, UTC ("2026-12-03T06:23:01Z")
    Project project;
};

// A recovery file that cannot be used: unreadable, truncated, not JSON, not a recovery file,
// written by a newer Strata, or holding a malformed project. The message names the file and
// what is wrong.
class RecoveryFileError : public Error
{
public:
    using Error::Error;
};

// Writes atomically (temporary file, fsync, rename): a kill mid-write leaves the previous
// recovery file whole. Throws Error naming the path.
void writeRecoveryFile(const std::string &path, const RecoveryFile &recovery);
// Reads and checks a recovery file (the project inside is read like a .strata file, older
// project versions migrated). Throws RecoveryFileError.
RecoveryFile readRecoveryFile(const std::string &path);

// Removes what a save of the project file at path left beside it when its process was killed
// mid-write (the temporary "PATH.tmp-PID-N" of a process that is gone). The project file
// itself and a live writer's temporary are never touched. Returns how many were removed.
int removeAbandonedSaves(const std::string &path);

} // namespace strata
