#include "ui/training/training_dashboard.h"

#include "strata/trainer.h"
#include "ui/training/step_report.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"
#include "widgets/truth_table_view.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QGroupBox>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlockFormat>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <optional>
#include <vector>

namespace strata::ui {

namespace {

constexpr qint64 kMaxBatchPoints = 20000;

QString rateText(double lr)
{
    // As the engine writes it (%g): one rate reads the same in every message.
    return QString::number(lr, 'g', 6);
}

QString percent(double fraction)
{
    return QString::number(fraction * 100, 'f', 1) + QLatin1Char('%');
}

QString reasonText(strata::FinishedEvent::Reason reason)
{
    using R = strata::FinishedEvent::Reason;
    switch (reason) {
    case R::Completed:
        return TrainingDashboard::tr("Training completed");
    case R::Stopped:
        return TrainingDashboard::tr("Training stopped");
    case R::EarlyStopped:
        return TrainingDashboard::tr("Stopped early");
    case R::Diverged:
        return TrainingDashboard::tr("Training diverged");
    case R::Failed:
        return TrainingDashboard::tr("Training failed");
    }
    return {};
}

QString waitingForEpochText()
{
    return TrainingDashboard::tr("Waiting for the first epoch…");
}

} // namespace

TrainingDashboard::TrainingDashboard(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session)
{
    buildUi();
    subscribe();
    updateButtons();
}

void TrainingDashboard::setProjectSource(ProjectSource source)
{
    source_ = std::move(source);
}

void TrainingDashboard::subscribe()
{
    if (!session_)
        return;
    TrainingSession *s = session_;
    connect(s, &TrainingSession::trainingStarted, this, &TrainingDashboard::clearRun);
    connect(s, &TrainingSession::started, this, &TrainingDashboard::showStarted);
    connect(s, &TrainingSession::batchFinished, this, &TrainingDashboard::showBatch);
    connect(s, &TrainingSession::epochFinished, this, &TrainingDashboard::showEpoch);
    connect(s, &TrainingSession::logMessage, this, &TrainingDashboard::showLog);
    connect(s, &TrainingSession::learningRateChanged, this, &TrainingDashboard::showLearningRate);
    connect(s, &TrainingSession::paused, this, &TrainingDashboard::showPaused);
    connect(s, &TrainingSession::resumed, this, &TrainingDashboard::showResumed);
    connect(s, &TrainingSession::stopping, this, &TrainingDashboard::showStopping);
    connect(s, &TrainingSession::stepStarted, this, &TrainingDashboard::showStepStarted);
    connect(s, &TrainingSession::stepFinished, this, &TrainingDashboard::showStep);
    connect(s, &TrainingSession::finished, this, &TrainingDashboard::showFinished);
    connect(s, &TrainingSession::cleared, this, &TrainingDashboard::showNoRun);
}

void TrainingDashboard::updateButtons()
{
    if (session_)
        controls_->setState(session_->isTraining(), session_->isPaused(), session_->isStopping());
    else
        controls_->setState(false, false, false);
}

void TrainingDashboard::startTraining()
{
    if (!session_ || session_->isTraining())
        return;
    if (!source_) {
        emit statusMessage(tr("Nothing to train: no project is open"));
        return;
    }
    auto [project, baseDir] = source_();
    session_->start(std::move(project), baseDir);
}

void TrainingDashboard::pauseTraining()
{
    if (session_)
        session_->pause();
}

void TrainingDashboard::resumeTraining()
{
    if (session_)
        session_->resume();
}

void TrainingDashboard::stopTraining()
{
    // Also wakes a paused trainer.
    if (session_)
        session_->stop();
}

void TrainingDashboard::stepBatch()
{
    step(strata::StepEvent::Kind::Batch);
}

void TrainingDashboard::stepEpoch()
{
    step(strata::StepEvent::Kind::Epoch);
}

void TrainingDashboard::step(strata::StepEvent::Kind kind)
{
    if (!session_)
        return;
    if (!session_->isTraining()) {
        if (!source_) {
            emit statusMessage(tr("Nothing to train: no project is open"));
            return;
        }
        auto [project, baseDir] = source_();
        session_->startStep(std::move(project), baseDir, kind);
        return;
    }
    if (!session_->isPaused() || session_->isStopping()) {
        emit statusMessage(tr("Pause training first: a step trains from a pause"));
        return;
    }
    if (kind == strata::StepEvent::Kind::Batch)
        session_->stepBatch();
    else
        session_->stepEpoch();
}

void TrainingDashboard::showStepStarted(strata::StepEvent::Kind kind)
{
    progress_->setPaused(false);
    updateButtons();
    emit statusMessage(kind == strata::StepEvent::Kind::Batch
                           ? tr("Training one batch…")
                           : tr("Training to the end of the epoch…"));
}

void TrainingDashboard::showStep(const strata::StepEvent &step)
{
    const QString text = stepReportText(step);
    appendLog(text);
    emit statusMessage(text);
}

void TrainingDashboard::applyLearningRate(double lr)
{
    if (!session_ || !session_->isTraining() || !session_->isPaused() || session_->isStopping()) {
        emit statusMessage(tr("Pause training to change the learning rate"));
        return;
    }
    if (!session_->setLearningRate(lr))
        emit statusMessage(tr("The learning rate must be a positive number"));
}

void TrainingDashboard::showNoRun()
{
    classNames_.clear();
    hasValidation_ = false;
    lossPlot_->clear();
    accuracyPlot_->clear();
    confusion_->clear();
    pendingTruth_.clear();
    pendingTruthEpoch_ = -1;
    truthSized_ = false;
    truthTable_->clear();
    truthTable_->hide();
    confusion_->setCaption(tr("Confusion matrix"));
    confusion_->setPlaceholder(tr("Not trained yet: press Train"));
    progress_->reset();
    log_->clear();
    updateButtons();
}

void TrainingDashboard::clearRun(const QString &projectName)
{
    showNoRun();
    confusion_->setPlaceholder(waitingForEpochText());
    appendLog(tr("Training “%1”").arg(projectName));
    updateButtons();
    emit statusMessage(tr("Training “%1”…").arg(projectName));
}

void TrainingDashboard::showPaused()
{
    progress_->setPaused(true);
    if (const std::optional<double> lr = session_->learningRate())
        controls_->setLearningRate(*lr);
    updateButtons();
    emit statusMessage(tr("Paused: the learning rate can be changed now"));
}

void TrainingDashboard::showResumed()
{
    progress_->setPaused(false);
    updateButtons();
    emit statusMessage(tr("Training resumed"));
}

void TrainingDashboard::showStopping()
{
    updateButtons();
    emit statusMessage(tr("Stopping after the current batch…"));
}

void TrainingDashboard::showLearningRate(double lr, double position,
                                         TrainingSession::RateOrigin origin)
{
    const QString label = tr("lr %1").arg(rateText(lr));
    lossPlot_->addMarker(position, label);
    accuracyPlot_->addMarker(position, label);
    if (origin != TrainingSession::RateOrigin::User)
        return;
    appendLog(tr("Learning rate set to %1; it applies from the next batch").arg(rateText(lr)));
    emit statusMessage(tr("Learning rate set to %1").arg(rateText(lr)));
}

void TrainingDashboard::showStarted(const strata::StartedEvent &e)
{
    progress_->start(e.epochs, e.batchesPerEpoch, e.startEpoch);
    progress_->setDevice(QString::fromStdString(e.device));
    if (session_ && session_->isPaused())
        progress_->setPaused(true);
    for (const std::string &n : e.classNames)
        classNames_ << QString::fromStdString(n);
    hasValidation_ = e.validationSamples > 0;
    // A plot of more than ~20 000 batch points costs more to draw than it shows: beyond that,
    // each point is the mean of `stride` consecutive batches (never across an epoch's end).
    const qint64 totalBatches = qint64(std::max(e.epochs - e.startEpoch, 1)) * e.batchesPerEpoch;
    batchStride_ = int(std::max<qint64>(1, (totalBatches + kMaxBatchPoints - 1) / kMaxBatchPoints));
    pendingLoss_ = pendingAccuracy_ = 0;
    pendingBatches_ = 0;
    if (!hasValidation_)
        confusion_->setPlaceholder(tr("No validation data: set a validation split or a test "
                                      "set to see the confusion matrix"));
    // Replaces "Loading the dataset…": the data is loaded now.
    emit statusMessage(tr("Training on %1: %2 epochs of %3 batches")
                           .arg(QString::fromStdString(e.device))
                           .arg(e.epochs)
                           .arg(e.batchesPerEpoch));
    appendLog(tr("Device: %1. %2 training samples, %3 batches per epoch; validation: %4.")
                  .arg(QString::fromStdString(e.device))
                  .arg(e.trainSamples)
                  .arg(e.batchesPerEpoch)
                  .arg(hasValidation_ ? tr("%1 (%2 samples)")
                                            .arg(QString::fromStdString(e.validationSource))
                                            .arg(e.validationSamples)
                                      : tr("none")));
}

void TrainingDashboard::showBatch(const strata::BatchEvent &e)
{
    const int batches = std::max(e.batches, 1);
    const double x = e.epoch + static_cast<double>(e.batch + 1) / batches;
    pendingLoss_ += e.loss;
    pendingAccuracy_ += e.accuracy;
    ++pendingBatches_;
    if (pendingBatches_ >= batchStride_ || e.batch + 1 == batches) {
        lossPlot_->addBatchPoint(x, pendingLoss_ / pendingBatches_);
        accuracyPlot_->addBatchPoint(x, pendingAccuracy_ / pendingBatches_);
        pendingLoss_ = pendingAccuracy_ = 0;
        pendingBatches_ = 0;
    }
    progress_->setProgress(e.epoch, e.batch, e.samplesPerSecond);
}

void TrainingDashboard::showEpoch(const strata::EpochMetrics &m)
{
    const int x = m.epoch + 1;
    lossPlot_->addEpochPoint(x, m.loss, m.hasValidation ? std::optional(m.valLoss) : std::nullopt);
    accuracyPlot_->addEpochPoint(x, m.accuracy,
                                 m.hasValidation ? std::optional(m.valAccuracy) : std::nullopt);
    if (!m.confusion.empty()) {
        std::vector<std::vector<qint64>> matrix;
        matrix.reserve(m.confusion.size());
        for (const auto &row : m.confusion)
            matrix.emplace_back(row.begin(), row.end());
        confusion_->setCaption(tr("Validation, epoch %1").arg(x));
        confusion_->setMatrix(std::move(matrix), classNames_);
    }
    if (!m.truthTable.empty()) {
        pendingTruth_ = m.truthTable;
        pendingTruthEpoch_ = m.epoch;
        truthTable_->show();
        if (!truthFlushQueued_) {
            truthFlushQueued_ = true;
            QTimer::singleShot(0, this, &TrainingDashboard::flushTruthTable);
        }
    }
    // One Keras-like line per epoch.
    QString line =
        tr("Epoch %1: loss %2, accuracy %3").arg(x).arg(m.loss, 0, 'f', 4).arg(percent(m.accuracy));
    if (m.hasValidation)
        line += tr(", val_loss %1, val_accuracy %2")
                    .arg(m.valLoss, 0, 'f', 4)
                    .arg(percent(m.valAccuracy));
    line += m.seconds < 1 ? tr(", %1 ms").arg(m.seconds * 1000, 0, 'f', 1)
                          : tr(", %1 s").arg(m.seconds, 0, 'f', 2);
    if (m.best)
        line += tr(" (best)");
    appendLog(line);
}

void TrainingDashboard::flushTruthTable()
{
    truthFlushQueued_ = false;
    if (pendingTruthEpoch_ < 0)
        return;
    QVector<widgets::TruthTableView::Row> rows;
    for (const strata::TruthTableRow &r : pendingTruth_)
        rows.append({QVector<double>(r.inputs.begin(), r.inputs.end()), r.target,
                     QVector<double>(r.outputs.begin(), r.outputs.end()), r.predicted});
    truthTable_->setRows(rows, classNames_, tr("epoch %1").arg(pendingTruthEpoch_ + 1));
    pendingTruth_.clear();
    pendingTruthEpoch_ = -1;
    // Under the confusion matrix (one row of panels), every row of the table in view, once a
    // run: a handle the user moves afterwards stays where it is put.
    if (!truthSized_ && matrices_->orientation() == Qt::Vertical) {
        truthSized_ = true;
        const int total = matrices_->height() - matrices_->handleWidth();
        const int want =
            std::min(truthTable_->contentHeight(), total - confusion_->minimumHeight());
        if (truthTable_->height() < want)
            matrices_->setSizes({total - want, want});
    }
}

void TrainingDashboard::showLog(const strata::LogEvent &e)
{
    const QString text = QString::fromStdString(e.message);
    switch (e.level) {
    case strata::LogEvent::Level::Info:
        appendLog(text);
        break;
    case strata::LogEvent::Level::Warning:
        appendLog(text, QStringLiteral("#a86400"));
        break;
    case strata::LogEvent::Level::Error:
        appendLog(text, QStringLiteral("#c0392b"));
        break;
    }
    emit statusMessage(text);
}

void TrainingDashboard::showFinished(const strata::FinishedEvent &e)
{
    using R = strata::FinishedEvent::Reason;
    flushTruthTable(); // the last epoch's answers, before anyone reads them
    const bool bad = e.reason == R::Diverged || e.reason == R::Failed;
    // The engine's message may already name the reason ("Training completed: 500 epochs").
    const QString message = QString::fromStdString(e.message);
    const QString reason = reasonText(e.reason);
    appendLog(message.startsWith(reason) ? message : QStringLiteral("%1: %2").arg(reason, message),
              bad ? QStringLiteral("#c0392b") : QString());
    if (e.bestEpoch >= 0)
        appendLog(tr("Best epoch: %1").arg(e.bestEpoch + 1));
    if (e.testLoss && e.testAccuracy)
        appendLog(tr("Test set: loss %1, accuracy %2")
                      .arg(*e.testLoss, 0, 'f', 4)
                      .arg(percent(*e.testAccuracy)));
    // Counted as the engine's stop message counts: completed epochs.
    progress_->finish(e.reason == R::Completed, reasonText(e.reason), e.epochsRun);
    if (confusion_->matrix().empty() && confusion_->placeholder() == waitingForEpochText())
        confusion_->setPlaceholder(e.reason == R::Failed
                                       ? tr("No confusion matrix: the run failed before its "
                                            "first epoch ended")
                                       : tr("No confusion matrix: the run ended before its "
                                            "first epoch did"));
    updateButtons();
    emit statusMessage(QString::fromStdString(e.message));
}

void TrainingDashboard::appendLog(const QString &text, const QString &color)
{
    // Follow new lines only while the user has not scrolled back to read older ones.
    QScrollBar *scroll = log_->verticalScrollBar();
    const bool atEnd = scroll->value() >= scroll->maximum() - 2;
    // Each line carries its own format: appendHtml() would leave its colour in the cursor's
    // format, and every later plain line (even after clear()) would inherit it.
    QTextCharFormat format;
    if (!color.isEmpty())
        format.setForeground(QColor(color));
    QTextCursor cursor(log_->document());
    cursor.movePosition(QTextCursor::End);
    if (!log_->document()->isEmpty())
        cursor.insertBlock(QTextBlockFormat(), format);
    cursor.insertText(text, format);
    // The scroll bar's maximum is only updated once the new (possibly wrapped) lines are laid
    // out; moving the cursor makes the edit lay them out and scroll to them.
    if (atEnd) {
        log_->moveCursor(QTextCursor::End);
        log_->ensureCursorVisible();
    }
}

void TrainingDashboard::exportData(TrainingControls::Export what)
{
    using E = TrainingControls::Export;
    if (what == E::History) {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export epoch metrics"),
                                         QStringLiteral("metrics.csv"), tr("CSV table (*.csv)"));
        if (path.isEmpty())
            return;
        try {
            strata::writeMetricsCsv(session_ ? session_->epochs()
                                             : std::vector<strata::EpochMetrics>{},
                                    path.toStdString());
            emit statusMessage(tr("Saved %1").arg(path));
        } catch (const std::exception &e) {
            emit statusMessage(QString::fromStdString(e.what()));
        }
        return;
    }
    widgets::MetricPlot *plot =
        what == E::LossPng || what == E::LossPdf || what == E::LossCsv ? lossPlot_ : accuracyPlot_;
    const QString format = what == E::LossPng || what == E::AccuracyPng   ? "png"
                           : what == E::LossPdf || what == E::AccuracyPdf ? "pdf"
                                                                          : "csv";
    const QString filter = format == "png"   ? tr("PNG image (*.png)")
                           : format == "pdf" ? tr("PDF document (*.pdf)")
                                             : tr("CSV table (*.csv)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(plot->metricName()),
                                                      plot->metricName() + "." + format, filter);
    if (path.isEmpty())
        return;
    const bool ok = format == "png"   ? plot->savePng(path)
                    : format == "pdf" ? plot->savePdf(path)
                                      : plot->saveCsv(path);
    emit statusMessage(ok ? tr("Saved %1").arg(path) : tr("Could not write %1").arg(path));
}

} // namespace strata::ui
