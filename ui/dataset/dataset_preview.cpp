#include "ui/dataset/dataset_preview.h"

#include "ui/background_task.h"
#include "ui/theme.h"
#include "widgets/image_grid.h"
#include "widgets/scatter_plot.h"

#include <nlohmann/json.hpp>

#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>

namespace strata::ui {

namespace {

constexpr int kImagesPerClass = 4;
constexpr int kMaxImages = 48;
constexpr int64_t kMaxScatterPoints = 4000;
constexpr int kTableRows = 100;
constexpr int kMaxTableColumns = 64;

std::vector<int64_t> countPerClass(const strata::Dataset &data, int classes)
{
    std::vector<int64_t> counts(static_cast<size_t>(std::max(classes, 0)), 0);
    for (int32_t label : data.labels)
        if (label >= 0 && label < classes)
            counts[static_cast<size_t>(label)]++;
    return counts;
}

// What loading let pass, under the info line, in the error colour (HTML).
QString warningLines(const QStringList &warnings)
{
    QString html;
    for (const QString &w : warnings)
        html += QStringLiteral("<br><span style=\"color: %1;\">%2</span>")
                    .arg(errorColor().name(), w.toHtmlEscaped());
    return html;
}

QString shapeString(const strata::Shape &shape)
{
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return parts.join(QStringLiteral(" × "));
}

} // namespace

// What the view needs, computed on the worker thread so a large set (60 000 images) is
// reduced to a few dozen images and counts before it reaches the GUI thread.
struct DatasetPreview::Summary
{
    QString error;
    QStringList warnings;
    QString name;
    strata::Shape shape;
    int64_t trainSize = 0, testSize = 0;
    bool hasTest = false;
    QString normalization;
    QStringList classNames;
    std::vector<int64_t> trainCounts, testCounts;
    View view = View::Message;
    std::vector<QImage> images;
    QStringList captions;
    std::vector<float> firstPicture; // the first training sample of a picture set
    strata::Normalization fitted;    // its normalisation
    bool pictureValues = false;
    std::vector<QPointF> points;
    std::vector<int> pointClasses;
    std::vector<std::vector<float>> rows;
    std::vector<int> rowLabels;
};

struct DatasetPreview::Meter
{
    std::atomic<int64_t> done{0}, total{0};
};

DatasetPreview::DatasetPreview(QWidget *parent)
    : QWidget(parent), title_(new QLabel(this)), info_(new QLabel(this)),
      stack_(new QStackedWidget(this)), message_(new QLabel(this)),
      images_(new widgets::ImageGrid(this)), augmentedTitle_(new QLabel(this)),
      augmented_(new widgets::ImageGrid(this)), scatter_(new widgets::ScatterPlot(this)),
      table_(new QTableWidget(this)), counts_(new QTableWidget(this)),
      worker_(new QFutureWatcher<std::shared_ptr<Summary>>(this))
{
    connect(worker_, &QFutureWatcherBase::finished, this, &DatasetPreview::workerFinished);
    meterTimer_ = new QTimer(this);
    meterTimer_->setInterval(100);
    connect(meterTimer_, &QTimer::timeout, this, &DatasetPreview::showProgress);
    QFont titleFont = title_->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() + 1);
    title_->setFont(titleFont);
    info_->setWordWrap(true);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    message_->setWordWrap(true);
    message_->setAlignment(Qt::AlignCenter);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setMargin(12);
    // The sample grid, and under it the augmented draws.
    auto *pictures = new QWidget(this);
    auto *picturesLayout = new QVBoxLayout(pictures);
    picturesLayout->setContentsMargins(0, 0, 0, 0);
    picturesLayout->addWidget(images_);
    augmentedTitle_->setObjectName(QStringLiteral("augmentedTitle"));
    augmentedTitle_->setWordWrap(true);
    picturesLayout->addWidget(augmentedTitle_);
    picturesLayout->addWidget(augmented_);
    picturesLayout->addStretch(1);
    augmentedTitle_->hide();
    augmented_->hide();
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(pictures);
    scroll->setWidgetResizable(true);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    stack_->addWidget(message_); // View order matches the enum.
    stack_->addWidget(scroll);
    stack_->addWidget(scatter_);
    stack_->addWidget(table_);

    counts_->setColumnCount(4);
    counts_->setHorizontalHeaderLabels({tr("Class"), tr("Train"), tr("Share"), tr("Test")});
    counts_->verticalHeader()->hide();
    counts_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    counts_->setSelectionMode(QAbstractItemView::NoSelection);
    counts_->setFocusPolicy(Qt::NoFocus);
    counts_->setWordWrap(false);
    // Class names in full ("Ankle boot"); the share bar takes what is left.
    counts_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    counts_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    counts_->setMinimumWidth(260);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(stack_);
    split->addWidget(counts_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    reload_ = new QToolButton(this);
    reload_->setText(tr("Reload"));
    reload_->setObjectName(QStringLiteral("reloadDataset"));
    reload_->setToolTip(tr("Read the dataset again (after its files changed)"));
    reload_->setEnabled(false);
    connect(reload_, &QToolButton::clicked, this, &DatasetPreview::reload);
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(title_, 1);
    titleRow->addWidget(reload_);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(titleRow);
    layout->addWidget(info_);
    layout->addWidget(split, 1);
    showMessage(tr("No dataset"), false);
}

DatasetPreview::View DatasetPreview::currentView() const
{
    return static_cast<View>(stack_->currentIndex());
}

void DatasetPreview::showMessage(const QString &text, bool error)
{
    message_->setText(text);
    message_->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    stack_->setCurrentIndex(static_cast<int>(View::Message));
}

bool DatasetPreview::showDataset(const strata::DatasetSpec &spec, const QString &baseDir,
                                 bool force)
{
    // Augmentation changes no loaded sample: a change to it alone redraws the draws.
    strata::DatasetSpec loaded = spec;
    loaded.augmentation = {};
    const QString key =
        QString::fromStdString(strata::toJson(loaded).dump()) + QLatin1Char('\n') + baseDir;
    if (!(spec.augmentation == augmentation_)) {
        augmentation_ = spec.augmentation;
        if (!loading_)
            showAugmented();
    }
    if (!force && key == requestKey_)
        return false;
    requestKey_ = key;
    const Request request{spec, baseDir, ++generation_};
    last_ = request;
    ++loadCount_;
    loading_ = true;
    error_.clear();
    reload_->setEnabled(true);
    // Until it loads: the generated set's name, or the first file (or folder) read.
    const std::vector<std::string> files = strata::datasetFiles(spec, baseDir.toStdString());
    title_->setText(spec.kind == "builtin" || files.empty()
                        ? QString::fromStdString(spec.kind == "builtin" ? spec.name : spec.kind)
                        : QFileInfo(QString::fromStdString(files.front())).fileName());
    info_->setText(tr("Loading…"));
    showMessage(tr("Loading the dataset…"), false);
    // One worker at a time: a large set (Fashion-MNIST) takes seconds and hundreds of MB, so
    // quick successive edits must not start a pile of loads. The newest request waits.
    if (workerBusy_)
        pending_ = request;
    else
        startWorker(request);
    return true;
}

void DatasetPreview::reload()
{
    if (last_)
        showDataset(last_->spec, last_->baseDir, true);
}

void DatasetPreview::startWorker(const Request &request)
{
    workerBusy_ = true;
    workerGeneration_ = request.generation;
    meter_ = std::make_shared<Meter>();
    meterTimer_->start();
    // The work owns copies of its inputs and never sees the widget; the meter is shared.
    worker_->setFuture(runInBackground([spec = request.spec, dir = request.baseDir.toStdString(),
                                        meter = meter_] { return summarize(spec, dir, meter); }));
}

void DatasetPreview::showProgress()
{
    const int64_t total = meter_ ? meter_->total.load() : 0;
    if (total > 0 && workerGeneration_ == generation_)
        message_->setText(tr("Decoding pictures… %1 of %2").arg(meter_->done.load()).arg(total));
}

void DatasetPreview::workerFinished()
{
    workerBusy_ = false;
    meterTimer_->stop();
    std::shared_ptr<Summary> summary;
    try {
        summary = worker_->result();
    } catch (const std::exception &e) { // summarize() reports loader errors itself
        summary = std::make_shared<Summary>();
        summary->error = QString::fromUtf8(e.what());
    }
    if (pending_) {
        const Request next = *pending_;
        pending_.reset();
        startWorker(next);
        return;
    }
    if (workerGeneration_ == generation_)
        present(*summary);
}

std::shared_ptr<DatasetPreview::Summary>
DatasetPreview::summarize(const strata::DatasetSpec &spec, const std::string &baseDir,
                          const std::shared_ptr<Meter> &meter)
{
    auto s = std::make_shared<Summary>();
    strata::DatasetBundle bundle;
    try {
        bundle = strata::loadDataset(spec, baseDir, [&meter](int64_t done, int64_t total) {
            meter->done = done;
            meter->total = total;
        });
    } catch (const std::exception &e) {
        s->error = QString::fromUtf8(e.what());
        return s;
    }
    for (const std::string &w : bundle.warnings)
        s->warnings << QString::fromStdString(w);
    const strata::Dataset &train = bundle.train;
    s->name = QString::fromStdString(train.name.empty() ? spec.name : train.name);
    s->shape = train.sampleShape;
    s->trainSize = train.size();
    s->hasTest = bundle.test.has_value();
    s->testSize = s->hasTest ? bundle.test->size() : 0;
    s->normalization = QString::fromStdString(bundle.normalization.mode);
    s->pictureValues = strata::holdsPictureValues(spec);
    for (const std::string &n : train.classNames)
        s->classNames << QString::fromStdString(n);
    s->trainCounts = countPerClass(train, train.classCount());
    if (bundle.test)
        s->testCounts = countPerClass(*bundle.test, train.classCount());

    const int64_t n = train.size();
    const strata::Shape &shape = train.sampleShape;
    if (shape.size() == 3) {
        if (n > 0) {
            s->firstPicture.assign(train.sample(0), train.sample(0) + train.sampleSize());
            s->fitted = bundle.normalization;
        }
        // A few of each class, in the order they appear, so every class shows up.
        s->view = View::Images;
        std::vector<int> taken(static_cast<size_t>(train.classCount()), 0);
        for (int64_t i = 0; i < n && static_cast<int>(s->images.size()) < kMaxImages; ++i) {
            const int label = train.labels[static_cast<size_t>(i)];
            if (label < 0 || label >= train.classCount() ||
                taken[static_cast<size_t>(label)] >= kImagesPerClass)
                continue;
            taken[static_cast<size_t>(label)]++;
            s->images.push_back(widgets::ImageGrid::imageFromChw(
                train.sample(i), static_cast<int>(shape[0]), static_cast<int>(shape[1]),
                static_cast<int>(shape[2])));
            s->captions << s->classNames.value(label, QString::number(label));
        }
    } else if (train.sampleSize() == 2) {
        s->view = View::Scatter;
        const int64_t stride =
            std::max<int64_t>(1, (n + kMaxScatterPoints - 1) / kMaxScatterPoints);
        for (int64_t i = 0; i < n; i += stride) {
            s->points.emplace_back(train.sample(i)[0], train.sample(i)[1]);
            s->pointClasses.push_back(train.labels[static_cast<size_t>(i)]);
        }
    } else {
        s->view = View::Table;
        const int64_t columns = std::min<int64_t>(train.sampleSize(), kMaxTableColumns);
        for (int64_t i = 0; i < std::min<int64_t>(n, kTableRows); ++i) {
            s->rows.emplace_back(train.sample(i), train.sample(i) + columns);
            s->rowLabels.push_back(train.labels[static_cast<size_t>(i)]);
        }
    }
    return s;
}

QString DatasetPreview::infoText() const
{
    return info_->text();
}

void DatasetPreview::setValidationSplit(double fraction)
{
    if (fraction == validationSplit_)
        return;
    validationSplit_ = fraction;
    updateInfo();
}

void DatasetPreview::updateInfo()
{
    if (!facts_)
        return;
    const Facts &f = *facts_;
    // As the trainer holds it out: floor(n × split) samples from the end of the training set.
    const auto held = static_cast<int64_t>(std::floor(f.trainSize * validationSplit_));
    const QString train =
        held > 0 ? tr("%1 samples: %2 for training, %3 held out for validation (split %4)")
                       .arg(f.trainSize)
                       .arg(f.trainSize - held)
                       .arg(held)
                       .arg(validationSplit_)
                 : tr("%1 training samples").arg(f.trainSize);
    info_->setText(tr("%1%2 · %3 classes · normalisation: %4<br>"
                      "The model receives <b>%5</b>: set the Input layer to this shape.")
                       .arg(train)
                       .arg(f.hasTest ? tr(", %1 test samples").arg(f.testSize) : QString())
                       .arg(f.classes)
                       .arg(f.normalization)
                       .arg(shapeText_) +
                   warningLines(warnings_));
    // The per-class counts are of the whole file, validation part included.
    counts_->horizontalHeaderItem(1)->setText(held > 0 ? tr("Train + validation") : tr("Train"));
}

void DatasetPreview::present(const Summary &s)
{
    loading_ = false;
    warnings_ = s.warnings;
    if (!s.error.isEmpty()) {
        error_ = s.error;
        shapeText_.clear();
        facts_.reset();
        firstPicture_.reset();
        showAugmented();
        info_->setText(tr("The dataset could not be loaded."));
        counts_->setRowCount(0);
        showMessage(s.error, true);
        emit loaded();
        return;
    }
    title_->setText(s.name);
    shapeText_ =
        s.shape.size() == 1
            ? tr("%1 features").arg(s.shape[0])
            : tr("%1 (%2 values per sample)").arg(shapeString(s.shape)).arg(strata::numel(s.shape));
    facts_ = Facts{s.trainSize, s.testSize, s.hasTest, s.classNames.size(), s.normalization};
    updateInfo();

    counts_->setRowCount(static_cast<int>(s.classNames.size()));
    const int64_t total = std::max<int64_t>(s.trainSize, 1);
    int64_t largest = 1;
    for (int64_t count : s.trainCounts)
        largest = std::max(largest, count);
    for (int c = 0; c < s.classNames.size(); ++c) {
        const int64_t train = c < static_cast<int>(s.trainCounts.size()) ? s.trainCounts[c] : 0;
        counts_->setItem(c, 0, new QTableWidgetItem(s.classNames[c]));
        auto *trainItem = new QTableWidgetItem(
            QStringLiteral("%1 (%2%)").arg(train).arg(100.0 * train / total, 0, 'f', 1));
        trainItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        counts_->setItem(c, 1, trainItem);
        // The share as a small bar, so an unbalanced set is visible at a glance.
        auto *bar = new QProgressBar(counts_);
        // Scaled to the largest class, so equal classes show as full bars.
        bar->setRange(0, 1000);
        bar->setValue(static_cast<int>(1000 * train / largest));
        bar->setTextVisible(false); // the share is printed in the Train column
        bar->setMaximumHeight(counts_->verticalHeader()->defaultSectionSize() - 4);
        counts_->setCellWidget(c, 2, bar);
        const QString test = s.hasTest && c < static_cast<int>(s.testCounts.size())
                                 ? QString::number(s.testCounts[c])
                                 : QStringLiteral("–");
        auto *testItem = new QTableWidgetItem(test);
        testItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        counts_->setItem(c, 3, testItem);
    }
    counts_->resizeColumnToContents(1);
    counts_->resizeColumnToContents(3);

    images_->clear();
    scatter_->clear();
    table_->clear();
    switch (s.view) {
    case View::Images:
        images_->setCellSize(s.shape.size() == 3 && s.shape[1] <= 32 ? 56 : 72);
        images_->setImages(s.images, s.captions);
        break;
    case View::Scatter:
        scatter_->setPoints(s.points, s.pointClasses, s.classNames);
        break;
    case View::Table: {
        const int columns = s.rows.empty() ? 0 : static_cast<int>(s.rows.front().size());
        table_->setColumnCount(columns + 1);
        table_->setRowCount(static_cast<int>(s.rows.size()));
        QStringList headers;
        for (int c = 0; c < columns; ++c)
            headers << QStringLiteral("x%1").arg(c);
        headers << tr("class");
        table_->setHorizontalHeaderLabels(headers);
        for (int r = 0; r < static_cast<int>(s.rows.size()); ++r) {
            for (int c = 0; c < columns; ++c) {
                auto *item = new QTableWidgetItem(QString::number(s.rows[r][c], 'g', 4));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table_->setItem(r, c, item);
            }
            const int label = s.rowLabels[r];
            table_->setItem(
                r, columns,
                new QTableWidgetItem(s.classNames.value(label, QString::number(label))));
        }
        table_->resizeColumnsToContents();
        break;
    }
    case View::Message:
        break;
    }
    firstPicture_.reset();
    if (!s.firstPicture.empty())
        firstPicture_ = Picture{s.shape, s.firstPicture, s.fitted, s.pictureValues};
    showAugmented();
    stack_->setCurrentIndex(static_cast<int>(s.view));
    emit loaded();
}

} // namespace strata::ui
