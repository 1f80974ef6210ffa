#include "ui/inference/mistakes_gallery.h"

#include "strata/probe.h"
#include "ui/background_task.h"
#include "ui/inference/run_data.h"
#include "ui/session/training_session.h"
#include "widgets/image_grid.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <map>

namespace strata::ui {

MistakesGallery::MistakesGallery(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session),
      watcher_(new QFutureWatcher<std::shared_ptr<const MistakesResult>>(this))
{
    setObjectName(QStringLiteral("mistakesGallery"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *top = new QHBoxLayout;
    pairs_ = new QComboBox;
    pairs_->setObjectName(QStringLiteral("mistakePairs"));
    pairs_->setToolTip(tr("The true class → the class the model chose, with how many samples"));
    find_ = new QPushButton(tr("Find mistakes"));
    find_->setObjectName(QStringLiteral("findMistakesButton"));
    find_->setToolTip(tr("Look at the validation data again with the latest weights"));
    top->addWidget(pairs_, 1);
    top->addWidget(find_);
    layout->addLayout(top);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("mistakesStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    grid_ = new widgets::ImageGrid;
    grid_->setObjectName(QStringLiteral("mistakesGrid"));
    grid_->setCellSize(56);
    grid_->setToolTip(tr("Click a sample to ask Try the model about it"));
    layout->addWidget(grid_, 1);
    rows_ = new QListWidget;
    rows_->setObjectName(QStringLiteral("mistakeRows"));
    rows_->hide();
    layout->addWidget(rows_, 1);

    connect(find_, &QPushButton::clicked, this, &MistakesGallery::findMistakes);
    connect(pairs_, &QComboBox::currentIndexChanged, this, &MistakesGallery::showSelectedPair);
    connect(grid_, &widgets::ImageGrid::imageClicked, this, &MistakesGallery::choose);
    connect(rows_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            choose(row);
    });
    connect(watcher_, &QFutureWatcher<std::shared_ptr<const MistakesResult>>::finished, this,
            &MistakesGallery::lookEnded);
    if (session_) {
        // New weights: look while someone can see the gallery, else when it is shown.
        const auto weightsChanged = [this] {
            if (isVisible())
                findMistakes();
            else
                stale_ = true;
        };
        connect(session_, &TrainingSession::finished, this, weightsChanged);
        connect(session_, &TrainingSession::epochFinished, this, weightsChanged);
        connect(session_, &TrainingSession::cleared, this, [this] {
            result_.reset();
            fillPairs();
        });
    }
    fillPairs();
}

MistakesGallery::~MistakesGallery()
{
    // The look owns copies of what it reads; nothing of it reaches a gallery that is gone.
    disconnect(watcher_, nullptr, this, nullptr);
}

void MistakesGallery::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!result_ || stale_)
        findMistakes();
}

void MistakesGallery::findMistakes()
{
    if (!session_)
        return;
    if (looking_) {
        again_ = true;
        return;
    }
    const strata::SnapshotPtr weights = session_->latestSnapshot();
    if (!weights) {
        status_->setText(tr("No trained weights yet: the mistakes on the validation data show "
                            "once the model trains (the run's end, or each epoch while this "
                            "panel is open)."));
        return;
    }
    const strata::Project project = session_->runProject();
    const std::string base = session_->runBaseDir().toStdString();
    const std::vector<std::string> names =
        session_->startedInfo() ? session_->startedInfo()->classNames : std::vector<std::string>{};
    looking_ = true;
    stale_ = false;
    status_->setText(tr("Looking at the validation data…"));
    watcher_->setFuture(runInBackground([project, base, names, weights]() {
        auto result = std::make_shared<MistakesResult>();
        result->classNames = names;
        result->epoch = weights->epoch;
        try {
            auto data = loadRunData(project, base);
            result->data = data;
            strata::DataSplit split = strata::splitForTraining(*data, project.training);
            if (!split.validation) {
                result->problem = QObject::tr("This run has no validation data (no validation "
                                              "split, no test set): nothing to check.");
                return std::shared_ptr<const MistakesResult>(result);
            }
            strata::Probe probe(project);
            probe.load(weights);
            result->normalization = data->normalization;
            result->mistakes = strata::findMistakes(probe, *split.validation, kPerPair);
            result->validation =
                std::make_shared<const strata::Dataset>(std::move(*split.validation));
            if (result->classNames.empty())
                result->classNames = data->train.classNames;
        } catch (const std::exception &e) {
            result->problem = QString::fromStdString(e.what());
        }
        return std::shared_ptr<const MistakesResult>(result);
    }));
}

void MistakesGallery::lookEnded()
{
    looking_ = false;
    try {
        result_ = watcher_->result();
    } catch (const std::exception &e) {
        auto failed = std::make_shared<MistakesResult>();
        failed->problem = QString::fromStdString(e.what());
        result_ = failed;
    }
    fillPairs();
    emit updated();
    if (again_) {
        again_ = false;
        findMistakes();
    }
}

void MistakesGallery::fillPairs()
{
    const QVariant previous = pairs_->currentData();
    pairs_->blockSignals(true);
    pairs_->clear();
    if (!result_ || !result_->problem.isEmpty()) {
        status_->setText(result_ ? result_->problem
                                 : tr("The mistakes on the validation data show once the model "
                                      "trains."));
        pairs_->blockSignals(false);
        showSelectedPair();
        return;
    }
    std::map<std::pair<int, int>, int> counts;
    for (const strata::Mistake &m : result_->mistakes)
        ++counts[{m.truth, m.predicted}];
    // The pairs with the most mistakes first.
    std::vector<std::pair<std::pair<int, int>, int>> order(counts.begin(), counts.end());
    std::stable_sort(order.begin(), order.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    for (const auto &[pair, count] : order)
        pairs_->addItem(tr("%1 → %2 (%3%4)")
                            .arg(className(result_->classNames, pair.first),
                                 className(result_->classNames, pair.second))
                            .arg(count)
                            .arg(count >= kPerPair ? QStringLiteral("+") : QString()),
                        QVariant::fromValue(QPoint(pair.first, pair.second)));
    const int keep = pairs_->findData(previous);
    pairs_->setCurrentIndex(keep >= 0 ? keep : 0);
    pairs_->blockSignals(false);
    status_->setText(result_->mistakes.empty()
                         ? tr("No mistakes on the validation data (%n sample(s)), epoch %1.",
                              nullptr, int(result_->validation->size()))
                               .arg(result_->epoch + 1)
                         : tr("%n mistake(s) shown, on %1 validation samples, weights of epoch "
                              "%2; the most confident first. Click one to try it.",
                              nullptr, int(result_->mistakes.size()))
                               .arg(result_->validation->size())
                               .arg(result_->epoch + 1));
    showSelectedPair();
}

std::vector<strata::Mistake> MistakesGallery::shownMistakes() const
{
    std::vector<strata::Mistake> shown;
    if (!result_ || pairs_->currentIndex() < 0)
        return shown;
    const QPoint pair = pairs_->currentData().toPoint();
    for (const strata::Mistake &m : result_->mistakes)
        if (m.truth == pair.x() && m.predicted == pair.y())
            shown.push_back(m);
    return shown;
}

QString MistakesGallery::message() const
{
    return status_->text();
}

bool MistakesGallery::showPair(int truth, int predicted)
{
    const int index = pairs_->findData(QVariant::fromValue(QPoint(truth, predicted)));
    if (index < 0)
        return false;
    pairs_->setCurrentIndex(index);
    return true;
}

void MistakesGallery::showSelectedPair()
{
    const std::vector<strata::Mistake> shown = shownMistakes();
    const bool pictures =
        result_ && result_->validation && isPictureShape(result_->validation->sampleShape);
    grid_->setVisible(pictures || !result_ || !result_->validation);
    rows_->setVisible(!grid_->isVisible());
    if (!result_ || !result_->validation || shown.empty()) {
        grid_->clear();
        rows_->clear();
        return;
    }
    const strata::Dataset &data = *result_->validation;
    if (pictures) {
        std::vector<QImage> images;
        QStringList captions;
        const strata::Shape &s = data.sampleShape;
        for (const strata::Mistake &m : shown) {
            const std::vector<float> raw = unnormalised(data, m.index, result_->normalization);
            images.push_back(
                widgets::ImageGrid::imageFromChw(raw.data(), int(s[0]), int(s[1]), int(s[2])));
            captions << QStringLiteral("%1%").arg(double(m.probability) * 100, 0, 'f', 0);
        }
        grid_->setImages(std::move(images), captions);
        return;
    }
    rows_->blockSignals(true);
    rows_->clear();
    for (const strata::Mistake &m : shown) {
        const std::vector<float> raw = unnormalised(data, m.index, result_->normalization);
        rows_->addItem(tr("#%1: %2  (p %3)")
                           .arg(m.index)
                           .arg(rowText(raw))
                           .arg(double(m.probability), 0, 'f', 2));
    }
    rows_->blockSignals(false);
}

void MistakesGallery::choose(int indexInPair)
{
    const std::vector<strata::Mistake> shown = shownMistakes();
    if (!result_ || !result_->validation || indexInPair < 0 || size_t(indexInPair) >= shown.size())
        return;
    const strata::Mistake &m = shown[size_t(indexInPair)];
    emit sampleChosen(unnormalised(*result_->validation, m.index, result_->normalization),
                      result_->validation->sampleShape,
                      tr("validation sample #%1: a %2 the model took for a %3")
                          .arg(m.index)
                          .arg(className(result_->classNames, m.truth),
                               className(result_->classNames, m.predicted)));
}

} // namespace strata::ui
