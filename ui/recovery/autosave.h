#pragma once
// Autosave: while the document has unsaved changes, its whole project is written every
// interval (30 s by default) to this studio's recovery file (RecoveryStore), never over the
// project file. The recovery file goes as soon as nothing is unsaved (saved, reopened, or the
// changes discarded at close), so only work that would otherwise be lost is ever offered.

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <string>

namespace strata {
class FolderLock;
}

namespace strata::ui {

class Document;

class Autosave : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultIntervalMs = 30000;

    // Takes a folder of its own under root (created and locked now, so no other studio ever
    // takes this one's work for abandoned). If that fails, autosave is off and error() says
    // why.
    Autosave(Document *document, const QString &root, QObject *parent = nullptr);
    // Releases the folder. A recovery file still there (the window went away with unsaved
    // changes nobody discarded) stays, to be offered at the next start.
    ~Autosave() override;

    void setInterval(int ms);
    int interval() const { return timer_.interval(); }
    // The document is an untitled copy of this example (recorded so recovery can say so);
    // cleared when another project replaces it or it is saved.
    void setExampleSource(const QString &path) { exampleSource_ = path; }

    // This studio's recovery file (it exists only while there is unsaved work) and folder.
    QString filePath() const;
    QString folder() const { return folder_; }
    bool isActive() const { return !folder_.isEmpty() && !finished_; }
    QString error() const { return error_; }
    // When the recovery file was last written (ISO 8601, UTC), or "".
    QString lastAutosavedAt() const { return lastAt_; }

    // Writes the recovery file now if there are unsaved changes it does not hold yet. True
    // when the file holds the current state (or nothing is unsaved); false, with failed()
    // emitted, when it cannot be written.
    bool writeNow();
    // The studio closes with the user's consent: stops autosaving and removes the recovery
    // file.
    void finish();

signals:
    void autosaved(const QString &path);
    // A recovery file could not be written; the message says why and what to do.
    void failed(const QString &message);

private:
    void removeFile();

    Document *document_;
    QTimer timer_;
    QString folder_;
    std::unique_ptr<FolderLock> lock_;
    QString exampleSource_;
    std::string lastWritten_; // the project JSON the recovery file holds
    QString lastAt_;
    QString error_;
    bool finished_ = false;
};

} // namespace strata::ui
