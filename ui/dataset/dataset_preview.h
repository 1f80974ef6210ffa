#pragma once
// The dataset preview: what the project's data looks like before training. Image sets show a
// grid of samples with their class names, 2-feature sets a scatter plot, other vector sets a
// table of their first rows; every set shows its counts per class and the sample shape the
// model receives, and what loading let pass (skipped files). Pictures decoded from folders
// show how far decoding has come. Loading runs in the background (ui/background_task.h), one
// load at a time
// (requests made meanwhile are coalesced into the newest); a loader error is shown in the
// panel. A preview destroyed while it loads is not waited for: the load's result is dropped.
// A picture set with augmentation shows its first training picture augmented several times
// (as different epochs could draw it) under the grid; a change to the augmentation alone
// redraws those without loading the data again.

#include "strata/dataset.h"

#include <QString>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>

template <typename T> class QFutureWatcher;
class QLabel;
class QStackedWidget;
class QTimer;
class QToolButton;
class QTableWidget;

namespace strata::widgets {
class ImageGrid;
class ScatterPlot;
} // namespace strata::widgets

namespace strata::ui {

class DatasetPreview : public QWidget
{
    Q_OBJECT

public:
    enum class View { Message, Images, Scatter, Table };

    explicit DatasetPreview(QWidget *parent = nullptr);

    // Starts loading spec (relative paths against baseDir) in the background and returns at
    // once; a newer call supersedes one still loading. loaded() follows on the GUI thread.
    // The same spec and folder as the last call load nothing again unless force is set (the
    // Reload button forces). Returns whether a load was started or queued.
    bool showDataset(const strata::DatasetSpec &spec, const QString &baseDir, bool force = false);
    // The training settings' validation split: the counts say how much of the training set
    // it holds out (the last fraction, as the trainer takes it). Needs no reload.
    void setValidationSplit(double fraction);
    // Loads the last dataset again, e.g. after its files changed on disk.
    void reload();

    bool isLoading() const { return loading_; }
    View currentView() const;
    // The loader's message when the last load failed, else "".
    QString errorText() const { return error_; }
    // The line above the view: sample counts (and the validation split's), classes, shape.
    QString infoText() const;
    // What loading let pass (files skipped), one line each; empty when nothing.
    QStringList warnings() const { return warnings_; }
    // E.g. "1 × 28 × 28 (784 values per sample)".
    QString shapeText() const { return shapeText_; }
    // How many loads showDataset() started or queued so far.
    int loadCount() const { return loadCount_; }

    widgets::ImageGrid *imageGrid() const { return images_; }
    // The first picture and its augmented draws; hidden without picture augmentation.
    widgets::ImageGrid *augmentedGrid() const { return augmented_; }
    widgets::ScatterPlot *scatterPlot() const { return scatter_; }
    QTableWidget *table() const { return table_; }
    QTableWidget *classCounts() const { return counts_; }

signals:
    // The view shows the data (or the error) of the latest showDataset call.
    void loaded();

private:
    struct Summary;
    struct Meter; // how far the running load has come, written by the worker
    struct Request
    {
        strata::DatasetSpec spec;
        QString baseDir;
        std::uint64_t generation = 0;
    };
    void startWorker(const Request &request);
    void workerFinished();
    static std::shared_ptr<Summary> summarize(const strata::DatasetSpec &spec,
                                              const std::string &baseDir,
                                              const std::shared_ptr<Meter> &meter);
    void showProgress();
    void present(const Summary &summary);
    void showMessage(const QString &text, bool error);
    void updateInfo();
    void showAugmented();

    QLabel *title_ = nullptr;
    QLabel *info_ = nullptr;
    QToolButton *reload_ = nullptr;
    QStackedWidget *stack_ = nullptr;
    QLabel *message_ = nullptr;
    widgets::ImageGrid *images_ = nullptr;
    QLabel *augmentedTitle_ = nullptr;
    widgets::ImageGrid *augmented_ = nullptr;
    widgets::ScatterPlot *scatter_ = nullptr;
    QTableWidget *table_ = nullptr;
    QTableWidget *counts_ = nullptr;

    // The running load; its signals come on the GUI thread, and not at all once it is gone.
    QFutureWatcher<std::shared_ptr<Summary>> *worker_ = nullptr;
    std::shared_ptr<Meter> meter_;
    QTimer *meterTimer_ = nullptr;
    std::uint64_t generation_ = 0;       // the load whose result is still wanted
    std::uint64_t workerGeneration_ = 0; // the load the worker runs
    bool loading_ = false;
    bool workerBusy_ = false;
    std::optional<Request> pending_; // waits for the running worker
    std::optional<Request> last_;    // the latest request, for reload()
    QString requestKey_;             // the latest request's spec and folder
    int loadCount_ = 0;
    QString error_;
    QStringList warnings_;
    QString shapeText_;
    // What the info line says about the loaded set.
    struct Facts
    {
        int64_t trainSize = 0, testSize = 0;
        bool hasTest = false;
        qsizetype classes = 0;
        QString normalization;
    };
    std::optional<Facts> facts_;
    // What the augmented draws are made of: the spec's augmentation and the loaded set's first
    // training picture (normalised as training sees it).
    strata::AugmentationSpec augmentation_;
    struct Picture
    {
        strata::Shape shape;
        std::vector<float> values;
        strata::Normalization normalization;
        bool pictureValues = false;
    };
    std::optional<Picture> firstPicture_;
    double validationSplit_ = 0;
};

} // namespace strata::ui
