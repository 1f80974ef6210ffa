#include "ui/session/snapshots_while_shown.h"

#include "ui/session/training_session.h"

#include <QDockWidget>
#include <QEvent>
#include <QWidget>

namespace strata::ui {

SnapshotsWhileShown::SnapshotsWhileShown(QWidget *panel, TrainingSession *session, Feed feed)
    : QObject(panel), panel_(panel), session_(session), feed_(feed)
{
    panel->installEventFilter(this);
    if (panel->isVisible())
        followDock();
    update();
}

SnapshotsWhileShown::~SnapshotsWhileShown()
{
    listen(false);
}

bool SnapshotsWhileShown::eventFilter(QObject *watched, QEvent *event)
{
    // Before the panel's own showEvent: a refresh it starts there already counts.
    if (event->type() == QEvent::Show) {
        followDock();
        update();
    } else if (event->type() == QEvent::Hide) {
        listen(false);
    }
    return QObject::eventFilter(watched, event);
}

// The panel's dock, found when it is first shown (it is put into one after it is made).
void SnapshotsWhileShown::followDock()
{
    if (dock_)
        return;
    for (QWidget *w = panel_->parentWidget(); w; w = w->parentWidget())
        if (auto *dock = qobject_cast<QDockWidget *>(w)) {
            dock_ = dock;
            dockShown_ = true; // shown now; a tab change says otherwise
            connect(dock, &QDockWidget::visibilityChanged, this, [this](bool shown) {
                dockShown_ = shown;
                update();
            });
            return;
        }
}

void SnapshotsWhileShown::update()
{
    // Snapshots and profiles both follow the listeners during a run, so a panel behind
    // another tab stops them and gets them again when brought to the front.
    const bool covered = dock_ && !dockShown_;
    listen(panel_->isVisible() && !covered);
}

void SnapshotsWhileShown::listen(bool on)
{
    if (on == listening_ || !session_)
        return;
    listening_ = on;
    if (feed_ == Feed::Profiles) {
        if (on)
            session_->addProfileListener();
        else
            session_->removeProfileListener();
    } else if (on) {
        session_->addSnapshotListener();
    } else {
        session_->removeSnapshotListener();
    }
}

} // namespace strata::ui
