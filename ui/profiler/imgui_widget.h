#pragma once
// A widget that Dear ImGui draws: its own ImGui context, the OpenGL 3 backend rendering into
// an offscreen framebuffer of the widget's size, read back into an image that the widget
// paints, and Qt's mouse, wheel and key events handed to ImGui. Frames are drawn on demand
// (requestFrame) and at most 10 times a second, so an idle panel costs nothing and a busy one
// little. ImGui stays inside ui/profiler/.
//
// Not a QOpenGLWidget: one of those in a window makes Qt compose the whole window through
// OpenGL at every repaint of any widget in it. With Mesa's software renderer (a machine
// without a GPU driver, a VM, Xvfb) that cost the studio a third of its training speed while
// the dashboard drew its plots, whether the Profiler was shown or not. Rendering offscreen
// keeps the window a plain raster one; the read-back costs a frame's pixels, 10 times a
// second at most, only while the profiler is shown and changing.

#include <QElapsedTimer>
#include <QImage>
#include <QWidget>

#include <functional>
#include <memory>

class QOffscreenSurface;
class QOpenGLContext;
class QOpenGLFramebufferObject;
class QTimer;
struct ImGuiContext;

namespace strata::ui {

class ImGuiWidget : public QWidget
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
    // (ImGui's layout, OpenGL's rendering, which Mesa's software renderer does here, and the
    // read-back), the longest so far, and whether OpenGL could be used at all (known once the
    // widget has been shown).
    int framesDrawn() const { return frames_; }
    double lastFrameMs() const { return lastFrameMs_; }
    double longestFrameMs() const { return longestFrameMs_; }
    bool ready() const { return context_ != nullptr; }
    // The widget as drawn by its last frame.
    QImage frameImage() const { return image_; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;

private:
    // Makes the OpenGL context, its offscreen surface and the ImGui context; false (and
    // ready() false) where OpenGL cannot be used.
    bool startOpenGL();
    // One ImGui frame drawn into the framebuffer object and read back into image_.
    void renderFrame();
    void key(QKeyEvent *event, bool down);
    void mouseButton(QMouseEvent *event, bool down);

    std::function<void()> draw_;
    ImGuiContext *context_ = nullptr;
    std::unique_ptr<QOffscreenSurface> surface_;
    std::unique_ptr<QOpenGLContext> gl_;
    std::unique_ptr<QOpenGLFramebufferObject> framebuffer_;
    QImage image_;
    bool openGLTried_ = false;
    bool frameWanted_ = true; // a frame asked for and not drawn yet
    QTimer *frameTimer_ = nullptr;
    QElapsedTimer sinceFrame_;
    int frames_ = 0;
    int settleFrames_ = 0; // frames still to draw after a change: ImGui sizes new items late
    double lastFrameMs_ = 0, longestFrameMs_ = 0;
};

} // namespace strata::ui
