#include "ui/profiler/imgui_widget.h"

#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <QFileInfo>
#include <QFontInfo>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QOpenGLFunctions>
#include <QPainter>
#include <QPalette>
#include <QTimer>
#include <QWheelEvent>

#include <algorithm>
#include <cfloat>

namespace strata::ui {

namespace {

// Frames drawn after a change, so that items ImGui sizes from the previous frame (tables,
// tooltips) settle.
constexpr int kSettleFrames = 2;

// A scalable font where Debian puts it (fonts-dejavu-core, which Qt's own text uses too);
// ImGui's built-in bitmap font otherwise.
void loadFont(ImGuiIO &io, float pixels)
{
    for (const char *path :
         {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"})
        if (QFileInfo::exists(QString::fromLatin1(path)) &&
            io.Fonts->AddFontFromFileTTF(path, pixels))
            return;
    ImFontConfig config;
    config.SizePixels = std::max(13.f, pixels);
    io.Fonts->AddFontDefault(&config);
}

// ImGui's colours from the application's palette: light or dark as the rest of the studio.
void followPalette(const QPalette &palette)
{
    if (palette.color(QPalette::Window).lightness() < 128)
        ImGui::StyleColorsDark();
    else
        ImGui::StyleColorsLight();
    ImGuiStyle &style = ImGui::GetStyle();
    const QColor window = palette.color(QPalette::Window);
    const QColor text = palette.color(QPalette::WindowText);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(window.redF(), window.greenF(), window.blueF(), 1);
    style.Colors[ImGuiCol_Text] = ImVec4(text.redF(), text.greenF(), text.blueF(), 1);
    // Frames (check boxes, buttons) a shade off the window, with an edge, as Qt draws them.
    const QColor frame = window.lightness() < 128 ? window.lighter(150) : window.darker(108);
    style.Colors[ImGuiCol_FrameBg] = ImVec4(frame.redF(), frame.greenF(), frame.blueF(), 1);
    style.FrameBorderSize = 1;
    style.WindowRounding = 0;
    style.WindowBorderSize = 0;
    style.FrameRounding = 3;
}

int imguiKey(int qtKey)
{
    switch (qtKey) {
    case Qt::Key_Tab:
        return ImGuiKey_Tab;
    case Qt::Key_Left:
        return ImGuiKey_LeftArrow;
    case Qt::Key_Right:
        return ImGuiKey_RightArrow;
    case Qt::Key_Up:
        return ImGuiKey_UpArrow;
    case Qt::Key_Down:
        return ImGuiKey_DownArrow;
    case Qt::Key_PageUp:
        return ImGuiKey_PageUp;
    case Qt::Key_PageDown:
        return ImGuiKey_PageDown;
    case Qt::Key_Home:
        return ImGuiKey_Home;
    case Qt::Key_End:
        return ImGuiKey_End;
    case Qt::Key_Space:
        return ImGuiKey_Space;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        return ImGuiKey_Enter;
    case Qt::Key_Escape:
        return ImGuiKey_Escape;
    default:
        return -1;
    }
}

} // namespace

ImGuiWidget::ImGuiWidget(std::function<void()> draw, QWidget *parent)
    : QWidget(parent), draw_(std::move(draw))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent); // each paint covers the whole widget
    frameTimer_ = new QTimer(this);
    frameTimer_->setSingleShot(true);
    connect(frameTimer_, &QTimer::timeout, this, [this] {
        frameWanted_ = true;
        update();
    });
}

ImGuiWidget::~ImGuiWidget()
{
    if (!gl_)
        return;
    if (gl_->makeCurrent(surface_.get())) {
        if (context_) {
            ImGui::SetCurrentContext(context_);
            ImGui_ImplOpenGL3_Shutdown();
        }
        framebuffer_.reset(); // its OpenGL objects go with the context current
        gl_->doneCurrent();
    }
    if (context_)
        ImGui::DestroyContext(context_);
}

void ImGuiWidget::requestFrame()
{
    settleFrames_ = kSettleFrames;
    if (frameTimer_->isActive())
        return;
    const qint64 since = sinceFrame_.isValid() ? sinceFrame_.elapsed() : kMinFrameIntervalMs;
    frameTimer_->start(static_cast<int>(std::max<qint64>(0, kMinFrameIntervalMs - since)));
}

bool ImGuiWidget::startOpenGL()
{
    surface_ = std::make_unique<QOffscreenSurface>();
    surface_->create();
    gl_ = std::make_unique<QOpenGLContext>();
    if (!surface_->isValid() || !gl_->create() || !gl_->makeCurrent(surface_.get())) {
        gl_.reset();
        surface_.reset();
        return false;
    }
    const QSurfaceFormat format = gl_->format();
    const bool gl3 = format.majorVersion() >= 3 && !gl_->isOpenGLES();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO &io = ImGui::GetIO();
    io.IniFilename = nullptr; // no imgui.ini beside the user's files
    io.LogFilename = nullptr;
    for (int k = 0; k < ImGuiKey_COUNT; ++k)
        io.KeyMap[k] = k;
    loadFont(io, std::max(13.f, float(QFontInfo(font()).pixelSize())));
    followPalette(palette());
    // GLSL 1.30 on OpenGL 3 (Mesa's software renderer under Xvfb included), 1.20 below.
    if (!ImGui_ImplOpenGL3_Init(gl3 ? "#version 130" : "#version 120")) {
        ImGui::DestroyContext(context_);
        context_ = nullptr;
    }
    gl_->doneCurrent();
    settleFrames_ = kSettleFrames;
    return context_ != nullptr;
}

void ImGuiWidget::renderFrame()
{
    QElapsedTimer clock;
    clock.start();
    if (!gl_->makeCurrent(surface_.get()))
        return;
    const qreal ratio = devicePixelRatioF();
    const QSize pixels(std::max(1, qRound(width() * ratio)), std::max(1, qRound(height() * ratio)));
    if (!framebuffer_ || framebuffer_->size() != pixels)
        framebuffer_ = std::make_unique<QOpenGLFramebufferObject>(pixels);
    if (!framebuffer_->isValid() || !framebuffer_->bind()) {
        gl_->doneCurrent();
        return;
    }
    QOpenGLFunctions *gl = gl_->functions();
    gl->glViewport(0, 0, pixels.width(), pixels.height());
    ImGui::SetCurrentContext(context_);
    ImGuiIO &io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(width()), float(height()));
    io.DisplayFramebufferScale = ImVec2(float(ratio), float(ratio));
    io.DeltaTime = sinceFrame_.isValid() ? std::max(1e-4f, float(sinceFrame_.restart()) / 1000.f)
                                         : float(kMinFrameIntervalMs) / 1000.f;
    if (!sinceFrame_.isValid())
        sinceFrame_.start();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("##panel", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    if (draw_)
        draw_();
    ImGui::End();
    ImGui::Render();
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    gl->glClearColor(bg.x, bg.y, bg.z, 1);
    gl->glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    image_ = framebuffer_->toImage(); // top row first, as QImage has it
    image_.setDevicePixelRatio(ratio);
    framebuffer_->release();
    gl_->doneCurrent();
    frameWanted_ = false;
    ++frames_;
    lastFrameMs_ = double(clock.nsecsElapsed()) / 1e6;
    longestFrameMs_ = std::max(longestFrameMs_, lastFrameMs_);
    if (settleFrames_ > 0 && --settleFrames_ > 0)
        frameTimer_->start(kMinFrameIntervalMs);
}

void ImGuiWidget::paintEvent(QPaintEvent *)
{
    if (!openGLTried_) {
        openGLTried_ = true;
        startOpenGL();
    }
    const QSize pixels(qRound(width() * devicePixelRatioF()),
                       qRound(height() * devicePixelRatioF()));
    if (context_ && (frameWanted_ || image_.size() != pixels))
        renderFrame();
    QPainter painter(this);
    if (image_.isNull() || !context_)
        painter.fillRect(rect(), QColor(128, 128, 128)); // no OpenGL: ProfilerPanel says why
    else
        painter.drawImage(QPoint(0, 0), image_);
}

void ImGuiWidget::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    frameWanted_ = true;
    settleFrames_ = kSettleFrames;
}

void ImGuiWidget::mouseMoveEvent(QMouseEvent *event)
{
    if (!context_)
        return;
    ImGui::SetCurrentContext(context_);
    ImGui::GetIO().MousePos = ImVec2(float(event->position().x()), float(event->position().y()));
    requestFrame();
}

void ImGuiWidget::mouseButton(QMouseEvent *event, bool down)
{
    if (!context_)
        return;
    ImGui::SetCurrentContext(context_);
    ImGuiIO &io = ImGui::GetIO();
    io.MousePos = ImVec2(float(event->position().x()), float(event->position().y()));
    const int button = event->button() == Qt::LeftButton     ? 0
                       : event->button() == Qt::RightButton  ? 1
                       : event->button() == Qt::MiddleButton ? 2
                                                             : -1;
    if (button >= 0)
        io.MouseDown[button] = down;
    requestFrame();
}

void ImGuiWidget::mousePressEvent(QMouseEvent *event)
{
    mouseButton(event, true);
}

void ImGuiWidget::mouseReleaseEvent(QMouseEvent *event)
{
    mouseButton(event, false);
}

void ImGuiWidget::wheelEvent(QWheelEvent *event)
{
    if (!context_)
        return;
    ImGui::SetCurrentContext(context_);
    ImGuiIO &io = ImGui::GetIO();
    io.MouseWheel += float(event->angleDelta().y()) / 120.f;
    io.MouseWheelH += float(event->angleDelta().x()) / 120.f;
    requestFrame();
}

void ImGuiWidget::leaveEvent(QEvent *event)
{
    QWidget::leaveEvent(event);
    if (!context_)
        return;
    ImGui::SetCurrentContext(context_);
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX); // no hover once the mouse is out
    requestFrame();
}

void ImGuiWidget::key(QKeyEvent *event, bool down)
{
    if (!context_)
        return;
    ImGui::SetCurrentContext(context_);
    ImGuiIO &io = ImGui::GetIO();
    io.KeyCtrl = event->modifiers() & Qt::ControlModifier;
    io.KeyShift = event->modifiers() & Qt::ShiftModifier;
    io.KeyAlt = event->modifiers() & Qt::AltModifier;
    if (const int k = imguiKey(event->key()); k >= 0)
        io.KeysDown[k] = down;
    if (down && !event->text().isEmpty() && event->text().at(0).isPrint())
        io.AddInputCharactersUTF8(event->text().toUtf8().constData());
    requestFrame();
}

void ImGuiWidget::keyPressEvent(QKeyEvent *event)
{
    key(event, true);
}

void ImGuiWidget::keyReleaseEvent(QKeyEvent *event)
{
    key(event, false);
}

} // namespace strata::ui
