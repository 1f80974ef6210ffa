#include "ui/inference/sample_picker.h"

#include "strata/misclassified.h"
#include "ui/background_task.h"
#include "ui/inference/run_data.h"
#include "ui/session/training_session.h"
#include "widgets/image_grid.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace strata::ui {

SamplePicker::SamplePicker(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session),
      watcher_(new QFutureWatcher<std::shared_ptr<const Loaded>>(this))
{
    setObjectName(QStringLiteral("samplePicker"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("From the data:")));
    sourceBox_ = new QComboBox;
    sourceBox_->setObjectName(QStringLiteral("sampleSource"));
    sourceBox_->addItem(tr("Validation"));
    sourceBox_->addItem(tr("Test"));
    sourceBox_->setToolTip(tr("The run's validation data (as training split it) or its test "
                              "set"));
    previous_ = new QToolButton;
    previous_->setObjectName(QStringLiteral("samplesPrevious"));
    previous_->setArrowType(Qt::LeftArrow);
    previous_->setToolTip(tr("The previous %1 samples").arg(kPerPage));
    next_ = new QToolButton;
    next_->setObjectName(QStringLiteral("samplesNext"));
    next_->setArrowType(Qt::RightArrow);
    next_->setToolTip(tr("The next %1 samples").arg(kPerPage));
    controls->addWidget(sourceBox_);
    controls->addStretch(1);
    controls->addWidget(previous_);
    controls->addWidget(next_);
    layout->addLayout(controls);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("samplesStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    grid_ = new widgets::ImageGrid;
    grid_->setObjectName(QStringLiteral("sampleThumbnails"));
    grid_->setCellSize(34);
    grid_->setToolTip(tr("Click a sample to ask the model about it"));
    rows_ = new QListWidget;
    rows_->setObjectName(QStringLiteral("sampleRows"));
    rows_->setMaximumHeight(120);
    rows_->setToolTip(grid_->toolTip());
    layout->addWidget(grid_);
    layout->addWidget(rows_);
    grid_->hide();
    rows_->hide();

    connect(watcher_, &QFutureWatcher<std::shared_ptr<const Loaded>>::finished, this,
            &SamplePicker::loadEnded);
    connect(sourceBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!setSource(i == 1 ? Source::Test : Source::Validation)) {
            QSignalBlocker block(sourceBox_);
            sourceBox_->setCurrentIndex(source_ == Source::Test ? 1 : 0);
        }
    });
    connect(previous_, &QToolButton::clicked, this, [this] { setPage(page_ - 1); });
    connect(next_, &QToolButton::clicked, this, [this] { setPage(page_ + 1); });
    connect(grid_, &widgets::ImageGrid::imageClicked, this,
            [this](int i) { choose(int64_t(page_) * kPerPage + i); });
    connect(rows_, &QListWidget::currentRowChanged, this, [this](int i) {
        if (i >= 0)
            choose(int64_t(page_) * kPerPage + i);
    });
    if (session_) {
        // A new run may train on other data: look again when seen.
        connect(session_, &TrainingSession::started, this, [this] {
            if (isVisible())
                load();
        });
        connect(session_, &TrainingSession::cleared, this, &SamplePicker::forget);
    }
    showPage();
}

void SamplePicker::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    load();
}

void SamplePicker::forget()
{
    loaded_.reset();
    loadedKey_.clear();
    page_ = 0;
    showPage();
}

void SamplePicker::load()
{
    if (!session_)
        return;
    if (loading_) {
        again_ = true; // a new run may train on other data: look again after this load
        return;
    }
    if (!session_->startedInfo()) {
        forget();
        return;
    }
    const strata::Project project = session_->runProject();
    const std::string base = session_->runBaseDir().toStdString();
    const std::string key = base + "\n" + strata::toJson(project.dataset).dump() +
                            strata::toJson(project.training).dump();
    if (key == loadedKey_ && loaded_)
        return;
    loadedKey_ = key;
    loading_ = true;
    status_->setText(tr("Loading the run's data…"));
    watcher_->setFuture(runInBackground([project, base]() {
        auto result = std::make_shared<Loaded>();
        try {
            result->data = loadRunData(project, base);
            strata::DataSplit split = strata::splitForTraining(*result->data, project.training);
            result->validationSource = QString::fromStdString(split.source);
            if (split.validation)
                result->validation =
                    std::make_shared<const strata::Dataset>(std::move(*split.validation));
        } catch (const std::exception &e) {
            result->problem = QString::fromStdString(e.what());
        }
        return std::shared_ptr<const Loaded>(result);
    }));
}

void SamplePicker::loadEnded()
{
    loading_ = false;
    try {
        loaded_ = watcher_->result();
    } catch (const std::exception &e) {
        auto failed = std::make_shared<Loaded>();
        failed->problem = QString::fromStdString(e.what());
        loaded_ = failed;
    }
    // The validation data first; the test set when there is no validation data.
    if (source_ == Source::Validation && loaded_->data && !loaded_->validation &&
        loaded_->data->test)
        source_ = Source::Test;
    page_ = 0;
    showPage();
    emit loaded();
    if (again_) {
        again_ = false;
        load(); // nothing to do when the run's data is the one just loaded
    }
}

bool SamplePicker::setSource(Source source)
{
    if (loaded_ && loaded_->data) {
        const bool has =
            source == Source::Test ? bool(loaded_->data->test) : bool(loaded_->validation);
        if (!has)
            return false;
    }
    source_ = source;
    page_ = 0;
    showPage();
    return true;
}

const strata::Dataset *SamplePicker::shownData() const
{
    if (!loaded_ || !loaded_->data)
        return nullptr;
    if (source_ == Source::Test)
        return loaded_->data->test ? &*loaded_->data->test : nullptr;
    return loaded_->validation.get();
}

int64_t SamplePicker::sampleCount() const
{
    const strata::Dataset *data = shownData();
    return data ? data->size() : 0;
}

void SamplePicker::setPage(int page)
{
    const int64_t n = sampleCount();
    const int last = n > 0 ? int((n - 1) / kPerPage) : 0;
    page_ = std::clamp(page, 0, last);
    showPage();
}

int SamplePicker::shownCount() const
{
    return grid_->isHidden() ? rows_->count() : grid_->count();
}

bool SamplePicker::showsPictures() const
{
    return !grid_->isHidden();
}

QString SamplePicker::message() const
{
    return status_->text();
}

void SamplePicker::showPage()
{
    grid_->clear();
    rows_->clear();
    const strata::Dataset *data = shownData();
    {
        QSignalBlocker block(sourceBox_);
        sourceBox_->setCurrentIndex(source_ == Source::Test ? 1 : 0);
    }
    sourceBox_->setEnabled(data != nullptr);
    const int64_t n = sampleCount();
    previous_->setEnabled(page_ > 0);
    next_->setEnabled(int64_t(page_ + 1) * kPerPage < n);
    if (!data) {
        grid_->hide();
        rows_->hide();
        if (loading_)
            return;
        if (loaded_ && !loaded_->problem.isEmpty())
            status_->setText(tr("The run's data cannot be read: %1").arg(loaded_->problem));
        else if (loaded_)
            status_->setText(source_ == Source::Test ? tr("This run's data has no test set.")
                                                     : tr("This run has no validation data."));
        else
            status_->setText(tr("Once the model has trained, pick a sample of its validation "
                                "or test data here."));
        return;
    }
    const int64_t first = int64_t(page_) * kPerPage;
    const int64_t end = std::min(n, first + kPerPage);
    const QString part = source_ == Source::Test
                             ? tr("Test set")
                             : tr("Validation data (%1)").arg(loaded_->validationSource);
    status_->setText(tr("%1: samples %2–%3 of %4; click one to ask the model")
                         .arg(part)
                         .arg(first + 1)
                         .arg(end)
                         .arg(n));
    const strata::Shape &shape = data->sampleShape;
    const strata::Normalization &norm = loaded_->data->normalization;
    if (isPictureShape(shape)) {
        std::vector<QImage> images;
        for (int64_t i = first; i < end; ++i) {
            const std::vector<float> raw = unnormalised(*data, i, norm);
            images.push_back(widgets::ImageGrid::imageFromChw(raw.data(), int(shape[0]),
                                                              int(shape[1]), int(shape[2])));
        }
        grid_->setImages(std::move(images), {});
        rows_->hide();
        grid_->show();
        return;
    }
    QSignalBlocker block(rows_);
    const auto &names = loaded_->data->train.classNames;
    for (int64_t i = first; i < end; ++i)
        rows_->addItem(tr("#%1 (%2): %3")
                           .arg(i + 1)
                           .arg(className(names, int(data->labels[size_t(i)])))
                           .arg(rowText(unnormalised(*data, i, norm), 8)));
    grid_->hide();
    rows_->show();
}

bool SamplePicker::choose(int64_t index)
{
    const strata::Dataset *data = shownData();
    if (!data || index < 0 || index >= data->size())
        return false;
    const auto &names = loaded_->data->train.classNames;
    const QString caption =
        (source_ == Source::Test ? tr("test sample %1 (%2)") : tr("validation sample %1 (%2)"))
            .arg(index + 1)
            .arg(className(names, int(data->labels[size_t(index)])));
    emit sampleChosen(unnormalised(*data, index, loaded_->data->normalization), data->sampleShape,
                      caption);
    return true;
}

} // namespace strata::ui
