#pragma once
// A QOpenGLWidget that Dear ImGui draws into: its own ImGui context, the OpenGL 3 backend
// rendering into the widget's framebuffer, and Qt's mouse, wheel and key events handed to
// ImGui. Frames are drawn on demand (requestFrame) and at most 10 times a second, so an idle
// panel costs nothing and a busy one little. ImGui stays inside ui/profiler/.

#include <QElapsedTimer>
#include <QOpenGLWidget>

#include <functional>

class QTimer;
struct ImGuiContext;

namespace strata::ui {

class ImGuiWidget : public QOpenGLWidget
{
    Q_OBJECT

public:
    // draw: called inside one full-size ImGui window per frame, with the ImGui context current.
    explicit ImGuiWidget(std::function<void()> draw, QWidget *parent = nullptr);
    ~ImGuiWidget() override;

    // Asks for a frame: drawn at once when the last one is 100 ms old, else when it is.
    void requestFrame();
    static constexpr int kMinFrameIntervalMs = 100;

    // For tests and the status line: frames drawn, the last one's time on the GUI thread
    // (ImGui's layout plus OpenGL's rendering, which Mesa's software renderer does here), the
    // longest so far, and whether OpenGL could be used at all.
    int framesDrawn() const { return frames_; }
    double lastFrameMs() const { return lastFrameMs_; }
    double longestFrameMs() const { return longestFrameMs_; }
    bool ready() const { return context_ != nullptr; }
    // The widget as drawn by its last frame (its framebuffer).
    QImage frameImage();

protected:
    void initializeGL() override;
    void paintGL() override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;

private:
    void shutdown();     // makes the OpenGL context current, then releaseImGui()
    void releaseImGui(); // with the OpenGL context current
    void key(QKeyEvent *event, bool down);
    void mouseButton(QMouseEvent *event, bool down);

    std::function<void()> draw_;
    ImGuiContext *context_ = nullptr;
    QTimer *frameTimer_ = nullptr;
    QElapsedTimer sinceFrame_;
    int frames_ = 0;
    int settleFrames_ = 0; // frames still to draw after a change: ImGui sizes new items late
    double lastFrameMs_ = 0, longestFrameMs_ = 0;
};

} // namespace strata::ui
