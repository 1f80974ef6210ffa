// The dashboard's widgets and how they are arranged for the width it has: stacked, in two
// rows, or in one row.

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

// Below this width two plots side by side get too cramped to read: they are stacked.
constexpr int kSideBySideWidth = 640;
// What the stacked layout needs: the widest row of controls (Train … Stop) and a plot.
constexpr int kStackedMinimumWidth = 420;
// The least height of the progress / confusion matrix / messages row.
constexpr int kBottomRowHeight = 180;
// The plots' least height side by side.
constexpr int kPlotHeight = 200;
// Every panel in one row needs two plots, the matrices and progress / messages side by side.
constexpr int kOneRowWidth = 1040;

} // namespace

void TrainingDashboard::buildUi()
{
    lossPlot_ = new widgets::MetricPlot(tr("loss"), this);
    accuracyPlot_ = new widgets::MetricPlot(tr("accuracy"), this);
    accuracyPlot_->setValueBounds(0, 1);
    progress_ = new widgets::ProgressPanel(this);
    confusion_ = new widgets::ConfusionMatrixView(this);
    truthTable_ = new widgets::TruthTableView(this);
    truthTable_->hide(); // until a tiny tabular set's first epoch
    log_ = new QPlainTextEdit(this);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setLineWrapMode(QPlainTextEdit::WidgetWidth);

    controls_ = new TrainingControls(this);
    connect(controls_, &TrainingControls::trainRequested, this, &TrainingDashboard::startTraining);
    connect(controls_, &TrainingControls::pauseRequested, this, &TrainingDashboard::pauseTraining);
    connect(controls_, &TrainingControls::resumeRequested, this,
            &TrainingDashboard::resumeTraining);
    connect(controls_, &TrainingControls::stopRequested, this, &TrainingDashboard::stopTraining);
    connect(controls_, &TrainingControls::stepBatchRequested, this, &TrainingDashboard::stepBatch);
    connect(controls_, &TrainingControls::stepEpochRequested, this, &TrainingDashboard::stepEpoch);
    connect(controls_, &TrainingControls::learningRateEntered, this,
            &TrainingDashboard::applyLearningRate);
    connect(controls_, &TrainingControls::invalidLearningRate, this,
            [this] { emit statusMessage(tr("The learning rate must be a positive number")); });
    connect(controls_, &TrainingControls::smoothingChanged, this, [this](double w) {
        lossPlot_->setSmoothing(w);
        accuracyPlot_->setSmoothing(w);
    });
    connect(controls_, &TrainingControls::logScaleToggled, lossPlot_,
            &widgets::MetricPlot::setLogScale);
    connect(controls_, &TrainingControls::exportRequested, this, &TrainingDashboard::exportData);
    lossPlot_->setSmoothing(controls_->smoothing());
    accuracyPlot_->setSmoothing(controls_->smoothing());

    plots_ = new QSplitter(Qt::Horizontal, this);
    plots_->addWidget(lossPlot_);
    plots_->addWidget(accuracyPlot_);
    plots_->setChildrenCollapsible(false);

    auto *progressBox = new QGroupBox(tr("Progress"), this);
    auto *progressLayout = new QVBoxLayout(progressBox);
    progressLayout->addWidget(progress_);
    progressBox->setMinimumWidth(220);
    progressBox_ = progressBox;
    auto *logBox = new QGroupBox(tr("Messages"), this);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->addWidget(log_);
    log_->setMinimumHeight(90);
    logBox_ = logBox;

    matrices_ = new QSplitter(Qt::Horizontal, this);
    matrices_->addWidget(confusion_);
    matrices_->addWidget(truthTable_);
    matrices_->setChildrenCollapsible(false);
    panels_ = new QSplitter(Qt::Horizontal, this);
    panels_->setChildrenCollapsible(false);
    info_ = new QSplitter(Qt::Vertical, this);
    info_->setChildrenCollapsible(false);

    outer_ = new QSplitter(Qt::Vertical, this);
    outer_->addWidget(plots_);
    outer_->addWidget(panels_);
    outer_->addWidget(info_);
    outer_->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(controls_);
    layout->addWidget(outer_, 1);
    arrange(Arrangement::TwoRows); // until the first resize says otherwise
}

QSize TrainingDashboard::minimumSizeHint() const
{
    // Side by side, the panels add up to ~580 px; but below kSideBySideWidth they are
    // stacked, so the stacked minimum is what a container must allow.
    QSize size = QWidget::minimumSizeHint();
    size.setWidth(std::min(size.width(), kStackedMinimumWidth));
    return size;
}

int TrainingDashboard::heightForWidth(int width) const
{
    const QMargins m = layout()->contentsMargins();
    const int inner = width - m.left() - m.right();
    const int controls = controls_->hasHeightForWidth() ? controls_->heightForWidth(inner)
                                                        : controls_->sizeHint().height();
    return m.top() + controls + layout()->spacing() + outer_->minimumSizeHint().height() +
           m.bottom();
}

void TrainingDashboard::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // In a scroll area the dashboard is never shorter than its minimum; what the user sees is
    // its viewport (the parent), and that decides whether two rows fit.
    const int room = parentWidget() ? std::min(height(), parentWidget()->height()) : height();
    if (width() < kSideBySideWidth)
        arrange(Arrangement::Stacked);
    else if (width() >= kOneRowWidth && room < twoRowsMinimumHeight())
        arrange(Arrangement::OneRow);
    else
        arrange(Arrangement::TwoRows);
}

int TrainingDashboard::twoRowsMinimumHeight() const
{
    const QMargins m = layout()->contentsMargins();
    const int inner = width() - m.left() - m.right();
    const int controls = controls_->hasHeightForWidth() ? controls_->heightForWidth(inner)
                                                        : controls_->sizeHint().height();
    const int row = std::max({kBottomRowHeight, progressBox_->minimumSizeHint().height(),
                              logBox_->minimumSizeHint().height()});
    return m.top() + controls + layout()->spacing() + kPlotHeight + outer_->handleWidth() + row +
           m.bottom();
}

void TrainingDashboard::arrange(Arrangement arrangement)
{
    if (arrangement == arrangement_)
        return;
    arrangement_ = arrangement;
    const bool stacked = arrangement == Arrangement::Stacked;
    plots_->setOrientation(stacked ? Qt::Vertical : Qt::Horizontal);
    if (arrangement == Arrangement::OneRow) {
        // Loss | accuracy | confusion matrix over truth table | progress over messages.
        matrices_->setOrientation(Qt::Vertical);
        info_->addWidget(progressBox_);
        info_->addWidget(logBox_);
        outer_->setOrientation(Qt::Horizontal);
        outer_->addWidget(matrices_);
        outer_->addWidget(info_);
        panels_->hide();
        info_->show();
        info_->setStretchFactor(0, 0);
        info_->setStretchFactor(1, 1);
        const int w = std::max(width(), kOneRowWidth);
        outer_->setSizes({w * 52 / 100, 0, w * 22 / 100, w * 26 / 100});
    } else {
        const Qt::Orientation o = stacked ? Qt::Vertical : Qt::Horizontal;
        matrices_->setOrientation(o);
        panels_->setOrientation(o);
        panels_->addWidget(progressBox_);
        panels_->addWidget(matrices_);
        panels_->addWidget(logBox_);
        panels_->setStretchFactor(0, 0);
        panels_->setStretchFactor(1, 2);
        panels_->setStretchFactor(2, 2);
        outer_->setOrientation(Qt::Vertical);
        outer_->insertWidget(1, panels_);
        info_->hide();
        panels_->show();
        outer_->setStretchFactor(0, 3);
        outer_->setStretchFactor(1, 2);
    }
    // Stacked, the panel grows tall; in a scroll area it then scrolls instead of squeezing
    // every plot flat. Side by side, the row under the plots keeps room for the matrix with
    // its title and a few lines of messages: a short dock scrolls rather than crushing it.
    const int plotHeight = stacked ? 220 : kPlotHeight;
    lossPlot_->setMinimumHeight(plotHeight);
    accuracyPlot_->setMinimumHeight(plotHeight);
    const bool row = arrangement == Arrangement::OneRow;
    confusion_->setMinimumHeight(stacked ? 220 : row ? 150 : kBottomRowHeight);
    truthTable_->setMinimumHeight(stacked ? 180 : row ? 150 : kBottomRowHeight);
    updateGeometry();
    // A scroll area around the dashboard hears of the new minimum only through its own
    // layout request (ours goes to its viewport): ask it, or it keeps the old height.
    if (QWidget *viewport = parentWidget())
        if (auto *area = qobject_cast<QScrollArea *>(viewport->parentWidget()))
            QCoreApplication::postEvent(area, new QEvent(QEvent::LayoutRequest));
}

} // namespace strata::ui
