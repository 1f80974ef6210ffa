#pragma once
// Makes a session's runs hand out weight snapshots while a panel that draws from them can be
// seen: one snapshot listener on the session while the panel is shown, none while it is
// hidden or gone (runs nobody watches pay nothing). A child of the panel; it watches the
// panel's show and hide events itself.

#include <QObject>
#include <QPointer>

class QDockWidget;
class QWidget;

namespace strata::ui {

class TrainingSession;

class SnapshotsWhileShown : public QObject
{
    Q_OBJECT

public:
    enum class Feed { Snapshots, Profiles };
    SnapshotsWhileShown(QWidget *panel, TrainingSession *session, Feed feed = Feed::Snapshots);
    ~SnapshotsWhileShown() override;
    bool isListening() const { return listening_; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void listen(bool on);
    void followDock();
    void update();

    QWidget *panel_;
    QPointer<TrainingSession> session_;
    Feed feed_;
    QPointer<QDockWidget> dock_; // the dock the panel is in, once it has been shown in one
    bool dockShown_ = true;      // its last visibilityChanged
    bool listening_ = false;
};

} // namespace strata::ui
