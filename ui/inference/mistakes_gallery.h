#pragma once
// The mistakes gallery: the validation samples the model gets wrong, grouped by (true class,
// predicted class) as the confusion matrix counts them, most confident mistakes first. It
// looks again after each epoch and at a run's end while it can be seen (else when it is shown
// next), one look at a time, on the latest weights, and on Find mistakes. Pictures show as
// thumbnails, other samples as rows of their values; a click on one asks "Try the model" about it
// (sampleChosen). showPair() selects a pair, as a click on a confusion-matrix cell does.

#include "strata/dataset.h"
#include "strata/misclassified.h"
#include "strata/project.h"
#include "strata/weights_snapshot.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace strata::widgets {
class ImageGrid;
}

namespace strata::ui {

class TrainingSession;

// What one look found: the validation data (normalised, as the model sees it), how it was
// normalised, and the mistakes.
struct MistakesResult
{
    std::shared_ptr<const strata::DatasetBundle> data; // loaded for this look, kept for the next
    std::shared_ptr<const strata::Dataset> validation;
    strata::Normalization normalization;
    std::vector<std::string> classNames;
    std::vector<strata::Mistake> mistakes;
    QString problem; // why there is nothing to show
    int epoch = -1;  // whose weights (0-based)
};

class MistakesGallery : public QWidget
{
    Q_OBJECT

public:
    explicit MistakesGallery(TrainingSession *session, QWidget *parent = nullptr);
    ~MistakesGallery() override;

    static constexpr int kPerPair = 48;

    // Looks again now (on the session's latest weights), unless a look is under way.
    void findMistakes();
    // Selects the (truth, predicted) pair; false when it holds no mistake.
    bool showPair(int truth, int predicted);

    // --- What is shown (tests read these)
    const MistakesResult *result() const { return result_.get(); }
    // The mistakes of the pair shown.
    std::vector<strata::Mistake> shownMistakes() const;
    QString message() const;
    bool isLooking() const { return looking_; }
    widgets::ImageGrid *grid() const { return grid_; }

signals:
    // A mistake clicked: the sample's values as the data holds them before normalisation
    // (pictures in 0-255), with its shape, and a caption.
    void sampleChosen(const std::vector<float> &values, const strata::Shape &shape,
                      const QString &caption);
    // A look ended (with or without mistakes).
    void updated();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void lookEnded();
    void fillPairs();
    void showSelectedPair();
    void choose(int indexInPair);

    QPointer<TrainingSession> session_;
    QFutureWatcher<std::shared_ptr<const MistakesResult>> *watcher_ = nullptr;
    // The last look's, which holds its data (loadRunData shares it with the next look).
    std::shared_ptr<const MistakesResult> result_;
    bool looking_ = false;
    bool again_ = false; // another look was asked for during this one
    bool stale_ = false; // the weights changed while the gallery was hidden

    QLabel *status_ = nullptr;
    QComboBox *pairs_ = nullptr;
    widgets::ImageGrid *grid_ = nullptr;
    QListWidget *rows_ = nullptr;
    QPushButton *find_ = nullptr;
};

} // namespace strata::ui
