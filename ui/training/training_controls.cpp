#include "ui/training/training_controls.h"

#include "widgets/flow_layout.h"

#include <QAction>
#include <QCheckBox>
#include <QDoubleValidator>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

#include <utility>

namespace strata::ui {

namespace {

constexpr int kDefaultSmoothing = 60; // TensorBoard's default weight, 0.6

} // namespace

TrainingControls::TrainingControls(QWidget *parent) : QWidget(parent)
{
    // Groups of controls that wrap as a whole onto a second row when the panel is narrow.
    auto *flow = new widgets::FlowLayout(this);
    auto group = [&] {
        auto *box = new QWidget(this);
        auto *row = new QHBoxLayout(box);
        row->setContentsMargins(0, 0, 0, 0);
        flow->addWidget(box);
        return std::pair(box, row);
    };

    auto [runBox, runRow] = group();
    auto button = [&, runBox = runBox, runRow = runRow](
                      const QString &text, QStyle::StandardPixmap icon, const QString &tip) {
        auto *b = new QPushButton(style()->standardIcon(icon), text, runBox);
        b->setToolTip(tip);
        runRow->addWidget(b);
        return b;
    };
    train_ = button(tr("Train"), QStyle::SP_MediaPlay, tr("Train the model from scratch"));
    pause_ = button(tr("Pause"), QStyle::SP_MediaPause,
                    tr("Pause after the current batch; the learning rate can then be changed"));
    resume_ = button(tr("Resume"), QStyle::SP_MediaSeekForward, tr("Continue training"));
    stop_ = button(tr("Stop"), QStyle::SP_MediaStop, tr("Stop after the current batch"));
    // Icons only (named in their tooltips and to screen readers): tool buttons are narrow
    // enough that the whole row still fits a laptop screen's width in one line.
    auto stepButton = [&, runBox = runBox, runRow = runRow](
                          const QString &name, QStyle::StandardPixmap icon, const QString &tip) {
        auto *b = new QToolButton(runBox);
        b->setIcon(style()->standardIcon(icon));
        b->setAccessibleName(name);
        b->setToolTip(tip);
        b->setMinimumHeight(train_->sizeHint().height());
        runRow->addWidget(b);
        return b;
    };
    stepBatch_ = stepButton(tr("Step batch"), QStyle::SP_MediaSkipForward,
                            tr("Step batch: train one batch, then pause; the Messages say how the "
                               "loss and each layer's weights changed"));
    stepEpoch_ = stepButton(tr("Step epoch"), QStyle::SP_ArrowForward,
                            tr("Step epoch: train to the end of the epoch, then pause; the "
                               "Messages say how the loss and each layer's weights changed"));
    stepBatch_->setObjectName(QStringLiteral("stepBatchButton"));
    stepEpoch_->setObjectName(QStringLiteral("stepEpochButton"));
    connect(stepBatch_, &QToolButton::clicked, this, &TrainingControls::stepBatchRequested);
    connect(stepEpoch_, &QToolButton::clicked, this, &TrainingControls::stepEpochRequested);
    train_->setObjectName(QStringLiteral("trainButton"));
    pause_->setObjectName(QStringLiteral("pauseButton"));
    resume_->setObjectName(QStringLiteral("resumeButton"));
    stop_->setObjectName(QStringLiteral("stopButton"));
    connect(train_, &QPushButton::clicked, this, &TrainingControls::trainRequested);
    connect(pause_, &QPushButton::clicked, this, &TrainingControls::pauseRequested);
    connect(resume_, &QPushButton::clicked, this, &TrainingControls::resumeRequested);
    connect(stop_, &QPushButton::clicked, this, &TrainingControls::stopRequested);
    createActions();

    auto [lrBox, lrRow] = group();
    lrRow->addWidget(new QLabel(tr("Learning rate"), lrBox));
    lrEdit_ = new QLineEdit(lrBox);
    lrEdit_->setObjectName(QStringLiteral("learningRateEdit"));
    lrEdit_->setValidator(new QDoubleValidator(1e-9, 100, 9, lrEdit_));
    lrEdit_->setPlaceholderText(tr("when paused"));
    lrEdit_->setFixedWidth(lrEdit_->fontMetrics().horizontalAdvance(tr("when paused")) + 16);
    lrEdit_->setToolTip(tr("Pause training to change the learning rate"));
    lrRow->addWidget(lrEdit_);
    lrApply_ = new QPushButton(tr("Apply"), lrBox);
    lrApply_->setObjectName(QStringLiteral("applyLearningRate"));
    lrRow->addWidget(lrApply_);
    connect(lrApply_, &QPushButton::clicked, this, &TrainingControls::submitLearningRate);
    connect(lrEdit_, &QLineEdit::returnPressed, this, &TrainingControls::submitLearningRate);

    auto [smoothBox, smoothRow] = group();
    smoothRow->addWidget(new QLabel(tr("Smoothing"), smoothBox));
    smoothing_ = new QSlider(Qt::Horizontal, smoothBox);
    smoothing_->setRange(0, 99);
    smoothing_->setValue(kDefaultSmoothing);
    smoothing_->setFixedWidth(90); // narrow enough for the whole row on a laptop screen
    smoothing_->setToolTip(tr("Exponential moving average of the per-batch curves "
                              "(as in TensorBoard); 0 shows the raw values"));
    smoothRow->addWidget(smoothing_);
    smoothingValue_ = new QLabel(QString::number(smoothing(), 'f', 2), smoothBox);
    smoothingValue_->setMinimumWidth(smoothingValue_->fontMetrics().horizontalAdvance("0.000"));
    smoothRow->addWidget(smoothingValue_);
    connect(smoothing_, &QSlider::valueChanged, this, [this] {
        smoothingValue_->setText(QString::number(smoothing(), 'f', 2));
        emit smoothingChanged(smoothing());
    });

    auto [viewBox, viewRow] = group();
    logScale_ = new QCheckBox(tr("Log scale (loss)"), viewBox);
    viewRow->addWidget(logScale_);
    connect(logScale_, &QCheckBox::toggled, this, &TrainingControls::logScaleToggled);

    export_ = new QToolButton(viewBox);
    export_->setText(tr("Export"));
    export_->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    export_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    export_->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(export_);
    auto item = [&](const QString &text, Export what) {
        menu->addAction(text, this, [this, what] { emit exportRequested(what); });
    };
    item(tr("Loss plot as PNG…"), Export::LossPng);
    item(tr("Loss plot as PDF…"), Export::LossPdf);
    item(tr("Accuracy plot as PNG…"), Export::AccuracyPng);
    item(tr("Accuracy plot as PDF…"), Export::AccuracyPdf);
    menu->addSeparator();
    item(tr("Loss data as CSV…"), Export::LossCsv);
    item(tr("Accuracy data as CSV…"), Export::AccuracyCsv);
    item(tr("Epoch metrics as CSV (Keras history)…"), Export::History);
    export_->setMenu(menu);
    viewRow->addSpacing(8);
    viewRow->addWidget(export_);
    setState(false, false, false);
}

void TrainingControls::createActions()
{
    // Menu items and keys for the buttons: each presses its button, so it does exactly what
    // the button does and only when the button can be pressed.
    auto make = [this](const QString &text, const QKeySequence &key, auto press) {
        auto *action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, press);
        addAction(action);
        return action;
    };
    trainAction_ = make(tr("&Train"), QKeySequence(Qt::Key_F5), [this] { train_->click(); });
    pauseResumeAction_ = make(tr("&Pause / Resume"), QKeySequence(Qt::Key_F6), [this] {
        if (pause_->isEnabled())
            pause_->click();
        else
            resume_->click();
    });
    stopAction_ =
        make(tr("&Stop"), QKeySequence(Qt::SHIFT | Qt::Key_F5), [this] { stop_->click(); });
    stepBatchAction_ =
        make(tr("Step &Batch"), QKeySequence(Qt::Key_F7), [this] { stepBatch_->click(); });
    stepEpochAction_ = make(tr("Step &Epoch"), QKeySequence(Qt::SHIFT | Qt::Key_F7),
                            [this] { stepEpoch_->click(); });
    stepBatchAction_->setObjectName(QStringLiteral("stepBatchAction"));
    stepEpochAction_->setObjectName(QStringLiteral("stepEpochAction"));
    trainAction_->setObjectName(QStringLiteral("trainAction"));
    pauseResumeAction_->setObjectName(QStringLiteral("pauseResumeAction"));
    stopAction_->setObjectName(QStringLiteral("stopAction"));
    const QList<std::pair<QAbstractButton *, QAction *>> pairs = {
        {train_, trainAction_}, {pause_, pauseResumeAction_},   {resume_, pauseResumeAction_},
        {stop_, stopAction_},   {stepBatch_, stepBatchAction_}, {stepEpoch_, stepEpochAction_}};
    for (auto [button, action] : pairs) {
        button->setToolTip(QStringLiteral("%1 (%2)").arg(
            button->toolTip(), action->shortcut().toString(QKeySequence::NativeText)));
        // Whatever enables a button (setState or anything else) enables its action.
        button->installEventFilter(this);
    }
    syncActions();
}

bool TrainingControls::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::EnabledChange)
        syncActions();
    return QWidget::eventFilter(watched, event);
}

void TrainingControls::syncActions()
{
    trainAction_->setEnabled(train_->isEnabled());
    pauseResumeAction_->setEnabled(pause_->isEnabled() || resume_->isEnabled());
    pauseResumeAction_->setText(resume_->isEnabled() ? tr("&Resume") : tr("&Pause"));
    stopAction_->setEnabled(stop_->isEnabled());
    stepBatchAction_->setEnabled(stepBatch_->isEnabled());
    stepEpochAction_->setEnabled(stepEpoch_->isEnabled());
}

void TrainingControls::setState(bool training, bool paused, bool stopping)
{
    training_ = training;
    paused_ = paused;
    stopping_ = stopping;
    updateTrainButton();
    pause_->setEnabled(training && !paused && !stopping);
    resume_->setEnabled(training && paused && !stopping);
    stop_->setEnabled(training && !stopping);
    const bool lrEditable = training && paused && !stopping;
    lrEdit_->setEnabled(lrEditable);
    lrApply_->setEnabled(lrEditable);
    // A disabled field shows its placeholder ("when paused"), not a rate that no longer holds.
    if (!lrEditable)
        lrEdit_->clear();
}

void TrainingControls::setTrainBlocked(const QString &reason)
{
    blockedReason_ = reason;
    updateTrainButton();
}

void TrainingControls::updateTrainButton()
{
    train_->setEnabled(!training_ && blockedReason_.isEmpty());
    // A step from idle starts a run, so it waits for the problems as Train does.
    const bool canStep = training_ ? paused_ && !stopping_ : blockedReason_.isEmpty();
    stepBatch_->setEnabled(canStep);
    stepEpoch_->setEnabled(canStep);
    const QString key =
        trainAction_ ? trainAction_->shortcut().toString(QKeySequence::NativeText) : QString();
    train_->setToolTip(blockedReason_.isEmpty()
                           ? tr("Train the model from scratch") +
                                 (key.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(key))
                           : blockedReason_);
}

void TrainingControls::setLearningRate(double lr)
{
    lrEdit_->setText(QLocale().toString(lr, 'g', 6));
}

int TrainingControls::rowCount() const
{
    return static_cast<const widgets::FlowLayout *>(layout())->rowCount();
}

double TrainingControls::smoothing() const
{
    return smoothing_->value() / 100.0;
}

void TrainingControls::submitLearningRate()
{
    bool ok = false;
    const double lr = QLocale().toDouble(lrEdit_->text(), &ok);
    if (ok && lr > 0)
        emit learningRateEntered(lr);
    else
        emit invalidLearningRate();
}

} // namespace strata::ui
