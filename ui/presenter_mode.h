#pragma once
// Presenter mode (View > Presenter Mode, F11): the studio as a class sees it on a projector.
// The text grows (InterfaceZoom's presentation scale, never remembered as the user's zoom),
// every metric plot draws thicker lines, the editing docks (Layers, Inspector, Problems,
// History, Dataset) hide, the presenter docks (Training and, where a panel adds it, the
// decision boundary) show and take most of the window above the canvas, and the window
// locks editing (MainWindow asks isActive()). Leaving it puts back the dock layout exactly
// (saveState / restoreState), the text size and the plots' lines.

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <utility>

class QAction;
class QMainWindow;

namespace strata::widgets {
class MetricPlot;
}

namespace strata::ui {

class InterfaceZoom;

class PresenterMode : public QObject
{
    Q_OBJECT

public:
    // The text is this many times its size outside presenter mode; curves are drawn
    // kLineScale times thicker.
    static constexpr double kTextScale = 1.75;
    static constexpr double kLineScale = 2.5;

    PresenterMode(QMainWindow *window, InterfaceZoom *zoom);

    // Docks (by objectName) that stay and grow: the training dashboard, the decision boundary.
    static QStringList presenterDocks();
    // Docks hidden while presenting: what a class does not need to see.
    static QStringList editingDocks();

    bool isActive() const { return active_; }
    // A checkable action (F11) for the View menu and the tool bar.
    QAction *action() const { return action_; }

public slots:
    void setActive(bool active);
    void toggle() { setActive(!active_); }

signals:
    void activeChanged(bool active);

private:
    void enter();
    void leave();

    QMainWindow *window_;
    InterfaceZoom *zoom_;
    QAction *action_;
    bool active_ = false;
    QByteArray savedState_;
    QList<std::pair<QPointer<widgets::MetricPlot>, double>> plots_; // their line scale before
};

} // namespace strata::ui
