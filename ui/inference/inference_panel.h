#pragma once
// "Try the model": ask the trained (or training) model about one sample. A sample of the run's
// own validation or test data (thumbnails or rows, from the picker on top); for an image
// model, a picture from a file (Open picture…, or dropped on the panel: PNG, JPEG, BMP) or one
// drawn with the mouse on a pad (white on black, as MNIST's digits; offered only for models
// that take 28×28 gray pictures). A picture is converted to the model's channels, resized to
// its input and normalised as the run's training data was (strata/image_input.h); a row is
// normalised the same way. The panel shows what the model sees and its top classes with
// their probabilities as bars. It evaluates on the session's weights: the latest snapshot
// while training (asked for only while the panel can be seen), the final weights after the
// run, again whenever they change (at most 10 times a second). Under the answer, one layer's
// output for the same picture: feature maps of a convolution, bars of a dense layer.

#include "strata/image_input.h"
#include "strata/project.h"
#include "strata/weights_snapshot.h"
#include "ui/inference/drawing_pad.h"

#include <QImage>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace strata {
class Probe;
}

namespace strata::ui {

class ActivationView;
class SamplePicker;
class TrainingSession;

class InferencePanel : public QWidget
{
    Q_OBJECT

public:
    explicit InferencePanel(TrainingSession *session, QWidget *parent = nullptr);
    ~InferencePanel() override;

    static constexpr int kTop = 5; // classes shown

    // The picture to ask about: a file (false, with the reason shown, when it cannot be read),
    // or the pad's drawing.
    bool openPicture(const QString &path);
    // A sample of the data before normalisation (a picture's C×H×W values in 0-255, or a
    // table's row), e.g. one picked above or a mistake from the gallery; false, with the
    // reason shown, when its size is not the model's input.
    bool openSample(const std::vector<float> &values, const strata::Shape &shape,
                    const QString &caption);
    void useDrawing();
    DrawingPad *pad() const { return pad_; }
    SamplePicker *samples() const { return samples_; }
    // What the source label says: the picture, drawing or sample asked about.
    QString sourceText() const;

    // --- What is shown (tests read these)
    // The top classes of the last evaluation; empty when there is none (see message()).
    const std::vector<strata::ClassScore> &scores() const { return scores_; }
    // Why there is no answer, or what to do; empty when scores are shown.
    QString message() const;
    // The model's input as the last evaluation gave it (before normalisation), 0-255.
    const std::vector<float> &lastInput() const { return input_; }
    // Evaluations so far.
    int evaluations() const { return evaluations_; }
    // Evaluates now (the timer does it after changes).
    void evaluate();
    // The layer whose output is shown under the answer (its id), and the view showing it.
    bool showLayer(const QString &nodeId);
    ActivationView *activations() const { return activations_; }

protected:
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void schedule();
    void showMessage(const QString &text);
    void showScores();
    void showSeen(const strata::PictureShape &shape);
    void fillLayers();
    // Offers drawing (and the pad) only where the model takes pictures, and drawing only for
    // 28×28 gray ones.
    void fitInput(const strata::Shape &input);

    QPointer<TrainingSession> session_;
    std::optional<strata::Picture8> picture_; // from a file; none: the pad's drawing
    std::optional<std::vector<float>> row_;   // a table's sample (before normalisation)
    QString pictureName_;
    std::unique_ptr<strata::Probe> probe_;
    std::string probeGraph_; // the graph the probe was compiled for (its JSON)
    std::vector<strata::ClassScore> scores_;
    std::vector<float> input_;
    int evaluations_ = 0;

    SamplePicker *samples_ = nullptr;
    DrawingPad *pad_ = nullptr;
    QWidget *pictures_ = nullptr; // the pad and what the model sees
    QPushButton *clear_ = nullptr;
    QLabel *source_ = nullptr;
    QLabel *seen_ = nullptr;
    QLabel *message_ = nullptr;
    std::vector<QLabel *> names_;
    std::vector<QProgressBar *> bars_;
    QTimer *timer_ = nullptr;
    QComboBox *layers_ = nullptr;
    ActivationView *activations_ = nullptr;
};

} // namespace strata::ui
