#pragma once
// Samples of the run's own data to ask the model about: the validation data (as the trainer
// split it) or the test set, a page at a time, pictures as thumbnails and other samples as
// rows of their values. A click hands the sample, before normalisation, to whoever asks
// (Try the model). The data loads off the GUI thread, only while the picker can be seen, and
// is shared with the mistakes gallery (run_data.h).

#include "strata/dataset.h"
#include "strata/project.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <memory>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QToolButton;

namespace strata::widgets {
class ImageGrid;
}

namespace strata::ui {

class TrainingSession;

class SamplePicker : public QWidget
{
    Q_OBJECT

public:
    explicit SamplePicker(TrainingSession *session, QWidget *parent = nullptr);

    static constexpr int kPerPage = 16;
    enum class Source { Validation, Test };

    // Loads the run's data now (when it is not loaded yet, or the run's data changed).
    void load();
    bool setSource(Source source); // false when the run's data has no such part
    void setPage(int page);
    // Picks the sample at index of the source shown (emits sampleChosen); false when there is
    // none.
    bool choose(int64_t index);

    // --- What is shown (tests read these)
    bool isLoading() const { return loading_; }
    int64_t sampleCount() const; // in the source shown
    int page() const { return page_; }
    int shownCount() const; // thumbnails or rows on this page
    bool showsPictures() const;
    QString message() const;
    // The source shown, normalised as the model sees it (nullptr before a load).
    const strata::Dataset *shownData() const;

signals:
    // values: before normalisation (pictures in 0-255), with the sample's shape, and a caption
    // that names it ("validation sample 17 (Trouser)").
    void sampleChosen(const std::vector<float> &values, const strata::Shape &shape,
                      const QString &caption);
    void loaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Loaded
    {
        std::shared_ptr<const strata::DatasetBundle> data;
        std::shared_ptr<const strata::Dataset> validation;
        QString validationSource;
        QString problem;
    };
    void loadEnded();
    void showPage();
    void forget();

    QPointer<TrainingSession> session_;
    QFutureWatcher<std::shared_ptr<const Loaded>> *watcher_ = nullptr;
    std::shared_ptr<const Loaded> loaded_;
    std::string loadedKey_; // the run's data the loaded copy is of
    Source source_ = Source::Validation;
    int page_ = 0;
    bool loading_ = false;
    bool again_ = false; // load() was asked for during a load

    QComboBox *sourceBox_ = nullptr;
    QToolButton *previous_ = nullptr;
    QToolButton *next_ = nullptr;
    QLabel *status_ = nullptr;
    widgets::ImageGrid *grid_ = nullptr;
    QListWidget *rows_ = nullptr;
};

} // namespace strata::ui
