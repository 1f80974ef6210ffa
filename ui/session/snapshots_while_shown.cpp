#include "ui/session/snapshots_while_shown.h"

#include "ui/session/training_session.h"

#include <QEvent>
#include <QWidget>

namespace strata::ui {

SnapshotsWhileShown::SnapshotsWhileShown(QWidget *panel, TrainingSession *session, Feed feed)
    : QObject(panel), session_(session), feed_(feed)
{
    panel->installEventFilter(this);
    listen(panel->isVisible());
}

SnapshotsWhileShown::~SnapshotsWhileShown()
{
    listen(false);
}

bool SnapshotsWhileShown::eventFilter(QObject *watched, QEvent *event)
{
    // Before the panel's own showEvent: a refresh it starts there already counts.
    if (event->type() == QEvent::Show)
        listen(true);
    else if (event->type() == QEvent::Hide)
        listen(false);
    return QObject::eventFilter(watched, event);
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
