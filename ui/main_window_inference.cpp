// The main window's "Try the model" dock (the inference panel), "Mistakes" dock (the
// validation samples the model gets wrong) and "Weights" dock (weight and gradient
// distributions over the epochs, the first convolution's filters), all on the training
// session: a click on a confusion-matrix cell shows that cell's mistakes, a click on a
// mistake asks the model about it.

#include "ui/main_window.h"

#include "ui/inference/inference_panel.h"
#include "ui/inference/mistakes_gallery.h"
#include "ui/insight/weights_panel.h"
#include "ui/training/training_dashboard.h"
#include "widgets/confusion_matrix_view.h"

#include <QDockWidget>
#include <QMenu>
#include <QScrollArea>

namespace strata::ui {

void MainWindow::createInferenceDock()
{
    inferencePanel_ = new InferencePanel(session_, this);
    auto *area = new QScrollArea;
    area->setObjectName(QStringLiteral("inferenceScroll"));
    area->setWidget(inferencePanel_);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    inferenceDock_ = addDock(tr("Try the model"), QStringLiteral("inferenceDock"), area,
                             Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock_, inferenceDock_);
    inspectorDock_->raise();
    if (viewMenu_)
        viewMenu_->addAction(inferenceDock_->toggleViewAction());

    mistakesGallery_ = new MistakesGallery(session_, this);
    mistakesDock_ = addDock(tr("Mistakes"), QStringLiteral("mistakesDock"), mistakesGallery_,
                            Qt::BottomDockWidgetArea);
    if (trainingDock_) {
        tabifyDockWidget(trainingDock_, mistakesDock_);
        trainingDock_->raise();
    }
    if (viewMenu_)
        viewMenu_->addAction(mistakesDock_->toggleViewAction());

    weightsPanel_ = new WeightsPanel(session_, this);
    weightsDock_ = addDock(tr("Weights"), QStringLiteral("weightsDock"), weightsPanel_,
                           Qt::BottomDockWidgetArea);
    tabifyDockWidget(mistakesDock_, weightsDock_);
    if (trainingDock_)
        trainingDock_->raise();
    if (viewMenu_)
        viewMenu_->addAction(weightsDock_->toggleViewAction());
    connect(mistakesGallery_, &MistakesGallery::sampleChosen, this,
            [this](const std::vector<float> &values, const strata::Shape &shape,
                   const QString &caption) {
                inferenceDock_->show();
                inferenceDock_->raise();
                inferencePanel_->openSample(values, shape, caption);
            });
    if (TrainingDashboard *d = dashboard())
        connect(d->confusionMatrix(), &widgets::ConfusionMatrixView::cellClicked, this,
                [this](int truth, int predicted) {
                    if (truth == predicted)
                        return; // right answers are not mistakes
                    mistakesDock_->show();
                    mistakesDock_->raise();
                    if (!mistakesGallery_->showPair(truth, predicted)) {
                        // Not looked at yet (or these weights are newer): look, then show.
                        auto *once = new QObject(this);
                        connect(mistakesGallery_, &MistakesGallery::updated, once,
                                [this, once, truth, predicted] {
                                    mistakesGallery_->showPair(truth, predicted);
                                    once->deleteLater();
                                });
                        mistakesGallery_->findMistakes();
                    }
                });
}

} // namespace strata::ui
