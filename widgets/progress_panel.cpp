#include "widgets/progress_panel.h"

#include "widgets/throttle.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace strata::widgets {

namespace {

// The bar counts in thousandths so runs of any length fit an int.
constexpr int kBarRange = 1000;

} // namespace

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    const qint64 s = static_cast<qint64>(std::llround(seconds));
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min")
        .arg(s / 3600)
        .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

ProgressPanel::ProgressPanel(QWidget *parent)
    : QWidget(parent), epochLabel_(new QLabel(this)), batchLabel_(new QLabel(this)),
      bar_(new QProgressBar(this)), speedLabel_(new QLabel(this)), elapsedLabel_(new QLabel(this)),
      etaLabel_(new QLabel(this)), deviceLabel_(new QLabel(this)), statusLabel_(new QLabel(this)),
      clock_(new QTimer(this)), figures_(new Throttle(
                                    kFiguresIntervalMs, [this] { showFigures(); }, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    bar_->setRange(0, kBarRange);
    bar_->setTextVisible(true);
    bar_->setFormat(QStringLiteral("%p%"));
    layout->addWidget(bar_);
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight);
    form->setHorizontalSpacing(10);
    form->setVerticalSpacing(3);
    form->addRow(tr("Epoch"), epochLabel_);
    form->addRow(tr("Batch"), batchLabel_);
    form->addRow(tr("Speed"), speedLabel_);
    form->addRow(tr("Elapsed"), elapsedLabel_);
    form->addRow(tr("Remaining"), etaLabel_);
    form->addRow(tr("Device"), deviceLabel_);
    layout->addLayout(form);
    statusLabel_->setWordWrap(true);
    layout->addWidget(statusLabel_);
    layout->addStretch(1);
    deviceLabel_->setWordWrap(true);
    deviceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Elapsed time moves on between training events (and while a long batch runs).
    clock_->setInterval(500);
    connect(clock_, &QTimer::timeout, this, &ProgressPanel::refreshTimes);
    reset();
}

void ProgressPanel::reset()
{
    figures_->flush();
    clock_->stop();
    running_ = paused_ = false;
    epochs_ = batches_ = startEpoch_ = 0;
    doneBatches_ = startBatches_ = 0;
    accumulated_ = 0;
    bar_->setValue(0);
    epochLabel_->setText(QStringLiteral("–"));
    batchLabel_->setText(QStringLiteral("–"));
    speedLabel_->setText(QStringLiteral("–"));
    elapsedLabel_->setText(QStringLiteral("–"));
    etaLabel_->setText(QStringLiteral("–"));
    statusLabel_->clear();
}

void ProgressPanel::start(int epochs, int batchesPerEpoch, int startEpoch)
{
    reset();
    epochs_ = std::max(epochs, 0);
    batches_ = std::max(batchesPerEpoch, 1);
    startEpoch_ = std::clamp(startEpoch, 0, epochs_);
    doneBatches_ = startBatches_ = static_cast<qint64>(startEpoch_) * batches_;
    running_ = true;
    sinceResume_.start();
    clock_->start();
    epochLabel_->setText(tr("%1 / %2").arg(startEpoch_ + 1).arg(epochs_));
    batchLabel_->setText(tr("0 / %1").arg(batches_));
    bar_->setValue(static_cast<int>(kBarRange * fraction()));
    statusLabel_->setText(tr("Training…"));
}

void ProgressPanel::setProgress(int epoch, int batch, double samplesPerSecond)
{
    doneBatches_ = static_cast<qint64>(epoch) * batches_ + batch + 1;
    shown_ = {epoch, batch, samplesPerSecond};
    figures_->request();
}

void ProgressPanel::showFigures()
{
    epochLabel_->setText(tr("%1 / %2").arg(shown_.epoch + 1).arg(epochs_));
    batchLabel_->setText(tr("%1 / %2").arg(shown_.batch + 1).arg(batches_));
    speedLabel_->setText(tr("%1 samples/s")
                             .arg(QLocale().toString(shown_.samplesPerSecond, 'f',
                                                     shown_.samplesPerSecond < 100 ? 1 : 0)));
    bar_->setValue(static_cast<int>(std::lround(kBarRange * fraction())));
    refreshTimes();
}

void ProgressPanel::setDevice(const QString &device)
{
    deviceLabel_->setText(device);
}

void ProgressPanel::setPaused(bool paused)
{
    if (!running_ || paused == paused_)
        return;
    figures_->flush();
    paused_ = paused;
    if (paused) {
        accumulated_ += sinceResume_.elapsed() / 1000.0;
        statusLabel_->setText(tr("Paused"));
    } else {
        sinceResume_.start();
        statusLabel_->setText(tr("Training…"));
    }
    refreshTimes();
}

void ProgressPanel::finish(bool completed, const QString &status, int epochsDone)
{
    figures_->flush();
    if (epochsDone >= 0 && epochs_ > 0)
        epochLabel_->setText(tr("%1 / %2").arg(std::min(epochsDone, epochs_)).arg(epochs_));
    if (running_ && !paused_)
        accumulated_ += sinceResume_.elapsed() / 1000.0;
    running_ = paused_ = false;
    clock_->stop();
    if (completed)
        bar_->setValue(kBarRange);
    elapsedLabel_->setText(formatDuration(accumulated_));
    etaLabel_->setText(completed ? tr("done") : QStringLiteral("–"));
    statusLabel_->setText(status);
}

double ProgressPanel::activeSeconds() const
{
    return accumulated_ + (running_ && !paused_ ? sinceResume_.elapsed() / 1000.0 : 0.0);
}

void ProgressPanel::refreshTimes()
{
    if (!running_)
        return;
    const double active = activeSeconds();
    elapsedLabel_->setText(formatDuration(active));
    etaLabel_->setText(etaText());
}

QString ProgressPanel::etaText() const
{
    figures_->flush();
    const qint64 total = static_cast<qint64>(epochs_) * batches_;
    const qint64 done = doneBatches_ - startBatches_;
    if (done <= 0 || total <= 0)
        return QStringLiteral("–");
    const double perBatch = activeSeconds() / static_cast<double>(done);
    return formatDuration(perBatch * static_cast<double>(total - doneBatches_));
}

int ProgressPanel::value() const
{
    figures_->flush(); // what the panel shows next, not what it showed last
    return bar_->value();
}

int ProgressPanel::maximum() const
{
    return bar_->maximum();
}

double ProgressPanel::fraction() const
{
    const qint64 total = static_cast<qint64>(epochs_) * batches_;
    return total > 0 ? std::clamp(static_cast<double>(doneBatches_) / total, 0.0, 1.0) : 0.0;
}

QString ProgressPanel::deviceText() const
{
    return deviceLabel_->text();
}

QString ProgressPanel::epochText() const
{
    figures_->flush();
    return epochLabel_->text();
}

} // namespace strata::widgets
