#include "ui/training/training_controls.h"

#include <QCheckBox>
#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

namespace strata::ui {

namespace {

constexpr int kDefaultSmoothing = 60; // TensorBoard's default weight, 0.6

} // namespace

TrainingControls::TrainingControls(QWidget *parent) : QWidget(parent)
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    auto button = [&](const QString &text, QStyle::StandardPixmap icon, const QString &tip) {
        auto *b = new QPushButton(style()->standardIcon(icon), text, this);
        b->setToolTip(tip);
        row->addWidget(b);
        return b;
    };
    train_ = button(tr("Train"), QStyle::SP_MediaPlay, tr("Train the model from scratch"));
    pause_ = button(tr("Pause"), QStyle::SP_MediaPause,
                    tr("Pause after the current batch; the learning rate can then be changed"));
    resume_ = button(tr("Resume"), QStyle::SP_MediaSeekForward, tr("Continue training"));
    stop_ = button(tr("Stop"), QStyle::SP_MediaStop, tr("Stop after the current batch"));
    connect(train_, &QPushButton::clicked, this, &TrainingControls::trainRequested);
    connect(pause_, &QPushButton::clicked, this, &TrainingControls::pauseRequested);
    connect(resume_, &QPushButton::clicked, this, &TrainingControls::resumeRequested);
    connect(stop_, &QPushButton::clicked, this, &TrainingControls::stopRequested);

    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Learning rate"), this));
    lrEdit_ = new QLineEdit(this);
    lrEdit_->setValidator(new QDoubleValidator(1e-9, 100, 9, lrEdit_));
    lrEdit_->setPlaceholderText(tr("when paused"));
    lrEdit_->setMaximumWidth(90);
    lrEdit_->setToolTip(tr("Pause training to change the learning rate"));
    row->addWidget(lrEdit_);
    lrApply_ = new QPushButton(tr("Apply"), this);
    row->addWidget(lrApply_);
    connect(lrApply_, &QPushButton::clicked, this, &TrainingControls::submitLearningRate);
    connect(lrEdit_, &QLineEdit::returnPressed, this, &TrainingControls::submitLearningRate);

    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Smoothing"), this));
    smoothing_ = new QSlider(Qt::Horizontal, this);
    smoothing_->setRange(0, 99);
    smoothing_->setValue(kDefaultSmoothing);
    smoothing_->setMaximumWidth(140);
    smoothing_->setToolTip(tr("Exponential moving average of the per-batch curves "
                              "(as in TensorBoard); 0 shows the raw values"));
    row->addWidget(smoothing_);
    smoothingValue_ = new QLabel(QString::number(smoothing(), 'f', 2), this);
    smoothingValue_->setMinimumWidth(smoothingValue_->fontMetrics().horizontalAdvance("0.000"));
    row->addWidget(smoothingValue_);
    connect(smoothing_, &QSlider::valueChanged, this, [this] {
        smoothingValue_->setText(QString::number(smoothing(), 'f', 2));
        emit smoothingChanged(smoothing());
    });

    row->addSpacing(12);
    logScale_ = new QCheckBox(tr("Log scale (loss)"), this);
    row->addWidget(logScale_);
    connect(logScale_, &QCheckBox::toggled, this, &TrainingControls::logScaleToggled);

    row->addStretch(1);
    export_ = new QToolButton(this);
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
    row->addWidget(export_);
    setState(false, false, false);
}

void TrainingControls::setState(bool training, bool paused, bool stopping)
{
    train_->setEnabled(!training);
    pause_->setEnabled(training && !paused && !stopping);
    resume_->setEnabled(training && paused && !stopping);
    stop_->setEnabled(training && !stopping);
    const bool lrEditable = training && paused && !stopping;
    lrEdit_->setEnabled(lrEditable);
    lrApply_->setEnabled(lrEditable);
}

void TrainingControls::setLearningRate(double lr)
{
    lrEdit_->setText(QLocale().toString(lr, 'g', 6));
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
