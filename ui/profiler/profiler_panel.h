#pragma once
// The Profiler dock: where a training step's time and memory go, layer by layer, live while
// the model trains (the session's live profiles, asked for only while the dock is shown),
// drawn with Dear ImGui (profiler_view.h) in an ImGuiWidget. Where no OpenGL context can be
// made (a platform without OpenGL, a broken driver), the same report is shown as
// `strata-cli profile`'s table, with a line saying why.

#include "strata/profile.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;

namespace strata::ui {

class ImGuiWidget;
class TrainingSession;
struct ProfilerViewState;

class ProfilerPanel : public QWidget
{
    Q_OBJECT

public:
    // Automatic: ImGui where OpenGL works (openGLAvailable()), the text table otherwise.
    enum class Renderer { Automatic, ImGui, Text };
    explicit ProfilerPanel(TrainingSession *session, QWidget *parent = nullptr,
                           Renderer renderer = Renderer::Automatic);
    ~ProfilerPanel() override;

    // The report drawn (the session's latest), or nullptr.
    const ProfileReport *report() const { return report_.get(); }
    // The ImGui view, or nullptr when the panel shows text.
    ImGuiWidget *view() const { return view_; }
    // The text the fallback shows (empty with the ImGui view).
    QString text() const;
    // Whether this platform makes OpenGL contexts (tried once, then remembered).
    static bool openGLAvailable();

    // Measures the machine's fp32 peak in the background (not while training), for the
    // Kernels tab; peakMeasured() when done.
    void measurePeak();
    double peakGflops() const;
    // Brings a tab of the view to the front (ProfilerTab: Layers, Timeline, Memory, Kernels).
    void showTab(int tab);

signals:
    void peakMeasured(double gflops);

private:
    void display(std::shared_ptr<const ProfileReport> report);
    void updatePeakState();

    TrainingSession *session_;
    ImGuiWidget *view_ = nullptr;
    QLabel *whyText_ = nullptr;
    QPlainTextEdit *textView_ = nullptr;
    std::shared_ptr<const ProfileReport> report_;
    std::unique_ptr<ProfilerViewState> state_;
};

} // namespace strata::ui
