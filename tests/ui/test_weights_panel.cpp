// The Weights dock: after a brief Fashion-MNIST run of the MNIST CNN, one histogram per epoch
// for every trainable tensor, bands in the distribution view, the layer's weight and gradient
// norms per epoch equal to the engine's, the first convolution's 32 filters; a model without
// a convolution says so, and a new run or a cleared session starts the panel afresh.

#include "ui/document.h"
#include "ui/insight/weights_panel.h"
#include "ui/main_window.h"
#include "ui/session/training_session.h"

#include "strata/parameter_stats.h"
#include "strata/project.h"

#include "source_dir.h"
#include "train_to_end.h"

#include <qcustomplot.h>

#include <QDir>
#include <QDockWidget>
#include <QtTest>

#include <filesystem>

using namespace strata;
using namespace strata::ui;

class TestWeightsPanel : public QObject
{
    Q_OBJECT

private slots:
    void init() { QStandardPaths::setTestModeEnabled(true); }

    void mnistCnnOverEpochs()
    {
        if (!std::filesystem::exists(
                "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(window.openExample(test::examplePath("keras_mnist_cnn.strata")));
        window.weightsDock()->show();
        window.weightsDock()->raise();
        WeightsPanel *panel = window.weightsPanel();
        QVERIFY(!panel->message().isEmpty()); // before any run: what it will show
        QCOMPARE(panel->filterCount(), 0);

        Project project = window.document()->project();
        project.dataset.limit = 1200;
        project.training.epochs = 3;
        TrainingSession *session = window.session();
        QVERIFY(test::trainToEnd(*session, project, MainWindow::examplesDir(), 300000));
        QVERIFY(session->lastResult()->reason == FinishedEvent::Reason::Completed);

        QCOMPARE(panel->epochCount(), 3);
        const QStringList tensors = panel->tensorNames();
        QVERIFY2(tensors.contains("conv2d.weight") && tensors.contains("dense_1.bias"),
                 qPrintable(tensors.join(", ")));
        QCOMPARE(panel->tensorName(), tensors.front());
        QTRY_COMPARE(panel->histogramCount(), 3); // redrawn at most every kRedrawMs
        QVERIFY(panel->message().isEmpty());
        QCOMPARE(panel->bandCount(), 0);
        QCOMPARE(panel->weightNormPoints(), 3);
        QCOMPARE(panel->gradientNormPoints(), 3);
        // The first convolution: 32 filters of 3x3.
        QTRY_COMPARE(panel->filterCount(), 32);
        QCOMPARE(panel->filterLayer(), QString("conv2d"));

        // The norms drawn are the engine's, epoch by epoch.
        QVERIFY(panel->selectTensor("dense.weight"));
        const QCPGraph *weights = panel->normPlot()->graph(0);
        const QCPGraph *gradients = panel->normPlot()->graph(1);
        for (int e = 0; e < 3; ++e) {
            const auto norms = layerNorms(session->epochs()[size_t(e)].parameters);
            const auto dense = std::find_if(norms.begin(), norms.end(),
                                            [](const LayerNorm &l) { return l.node == "dense"; });
            QVERIFY(dense != norms.end());
            QCOMPARE(weights->data()->at(e)->key, double(e + 1));
            QCOMPARE(weights->data()->at(e)->value, dense->weights);
            QCOMPARE(gradients->data()->at(e)->value, dense->gradients);
            QVERIFY(dense->gradients > 0);
        }

        // Gradients, and the distribution view: four bands from the outside in.
        panel->setValues(WeightsPanel::Values::Gradients);
        QCOMPARE(panel->histogramCount(), 3);
        panel->setView(WeightsPanel::View::Distributions);
        QCOMPARE(panel->histogramCount(), 0);
        QCOMPARE(panel->bandCount(), 4);
        QCOMPARE(panel->distributionPlot()->graphCount(), int(kStatsPercentiles.size()));
        QVERIFY(!panel->selectTensor("no_such.weight"));

        if (const QString shots = qEnvironmentVariable("STRATA_SCREENSHOT_DIR"); !shots.isEmpty()) {
            panel->setValues(WeightsPanel::Values::Weights);
            panel->setView(WeightsPanel::View::Histograms);
            panel->selectTensor("conv2d.weight");
            QTest::qWait(100);
            QVERIFY(window.grab().save(QDir(shots).filePath("weights-histograms.png")));
        }

        // Cleared (another project opens): nothing of the run is left.
        QVERIFY(session->clear());
        QCOMPARE(panel->epochCount(), 0);
        QCOMPARE(panel->filterCount(), 0);
        QCOMPARE(panel->bandCount(), 0);
        QVERIFY(!panel->message().isEmpty());
    }

    void aModelWithoutConvolution()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openExample(test::examplePath("xor.strata")));
        window.weightsDock()->show();
        window.weightsDock()->raise();
        Project project = window.document()->project();
        project.training.epochs = 4;
        QVERIFY(test::trainToEnd(*window.session(), project, MainWindow::examplesDir()));
        WeightsPanel *panel = window.weightsPanel();
        QCOMPARE(panel->epochCount(), 4);
        QTRY_COMPARE(panel->histogramCount(), 4);
        QCOMPARE(panel->filterCount(), 0);
        QTRY_VERIFY(panel->findChild<QLabel *>("filterCaption")->text().contains("no convolution"));
        // A second run starts the panel afresh.
        project.training.epochs = 2;
        QVERIFY(test::trainToEnd(*window.session(), project, MainWindow::examplesDir()));
        QCOMPARE(panel->epochCount(), 2);
        QTRY_COMPARE(panel->histogramCount(), 2);
    }
};

QTEST_MAIN(TestWeightsPanel)
#include "test_weights_panel.moc"
