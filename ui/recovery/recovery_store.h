#pragma once
// Where the studio keeps unsaved work while it runs: one folder per running studio under the
// recovery folder ($STRATA_RECOVERY_DIR, else "recovery" in the user's data folder), locked
// (strata::FolderLock) for as long as that studio lives and holding its recovery file. The
// system drops the lock when a studio dies, however it dies, so a folder nobody holds is work
// a crashed or killed studio left; a folder another running studio holds is never touched.

#include <strata/recovery_file.h>

#include <QString>

#include <memory>
#include <vector>

namespace strata {
class FolderLock;
}

namespace strata::ui {

// Unsaved work a studio that is gone left behind, claimed by this studio (its folder's lock
// is held, so no other studio offers it meanwhile) until it is recovered, discarded or left
// for later.
struct PendingRecovery
{
    QString folder;
    QString file;
    RecoveryFile recovery;
    std::shared_ptr<FolderLock> claim;
};

// A recovery file that could not be read, moved out of the way (never deleted).
struct SetAsideRecovery
{
    QString file;    // where it was
    QString movedTo; // where it is now ("" when it could not be moved)
    QString reason;  // the engine's message
};

class RecoveryStore
{
public:
    // The file name of the recovery file in each studio's folder.
    static constexpr const char *kFileName = "autosave.strata-recovery";

    explicit RecoveryStore(QString root = defaultRoot());
    // $STRATA_RECOVERY_DIR, else the user's data folder's "recovery" folder.
    static QString defaultRoot();
    QString root() const { return root_; }
    // Where unreadable recovery files are moved: <root>/set-aside.
    QString setAsideFolder() const;

    struct Found
    {
        std::vector<PendingRecovery> pending; // newest first
        std::vector<SetAsideRecovery> setAside;
    };
    // Claims every folder whose studio is gone. Readable recovery files are returned;
    // unreadable ones (damaged, cut short, from a newer Strata) are moved to setAsideFolder()
    // and reported; folders with no recovery file (a studio that crashed before its first
    // autosave) are removed.
    Found claimAbandoned() const;

    // Removes a claimed folder and its recovery file (after it was recovered and autosaved
    // again, saved, or discarded). False, with why, if it could not be removed.
    static bool remove(PendingRecovery &pending, QString *why = nullptr);
    // Gives up the claim, leaving the work for the next start ("decide later").
    static void release(PendingRecovery &pending);

private:
    QString root_;
};

} // namespace strata::ui
