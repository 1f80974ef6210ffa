// "Try the model": a Fashion-MNIST CNN trained briefly in a session answers about a PNG of a
// test image exactly as a probe does on the IDX loader's sample; a drawing on the pad is asked
// too; a file that is not a picture, a model on 2 features and a session without weights each
// get a message.

#include "ui/inference/activation_view.h"
#include "ui/inference/inference_panel.h"
#include "ui/session/training_session.h"

#include "strata/dataset.h"
#include "strata/probe.h"
#include "strata/project.h"

#include "source_dir.h"
#include "train_to_end.h"

#include <QDir>
#include <QImage>
#include <QSignalSpy>
#include <QtTest>

#include <filesystem>

using namespace strata;
using namespace strata::ui;

namespace {

constexpr int kTimeoutMs = 120000;
const std::string kFashion = "/usr/share/datasets/fashion-mnist/";

bool train(TrainingSession &session, const Project &project)
{
    return test::trainToEnd(session, project,
                            QString::fromStdString(test::sourceDir() + "/projects"), kTimeoutMs);
}

} // namespace

class TestInferencePanel : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void messagesWithoutAnAnswer()
    {
        TrainingSession session;
        InferencePanel panel(&session);
        panel.show();
        panel.evaluate();
        QVERIFY2(panel.message().startsWith("No trained weights yet"), qPrintable(panel.message()));
        QVERIFY(panel.scores().empty());
        // A model on 2 features cannot take a picture: it says so.
        QVERIFY(train(session, loadProject(test::examplePath("xor.strata").toStdString())));
        panel.pad()->stroke({0.2, 0.2}, {0.8, 0.8});
        panel.evaluate();
        QVERIFY2(panel.message().contains("a picture needs an input"), qPrintable(panel.message()));
        // A file that is not a picture: refused, with the reason.
        QVERIFY(!panel.openPicture(test::examplePath("xor.strata")));
        QVERIFY2(panel.message().contains("not a PNG, JPEG"), qPrintable(panel.message()));
    }

    void answersLikeAProbe()
    {
        if (!std::filesystem::exists(kFashion + "t10k-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        Project project = loadProject(test::examplePath("keras_mnist_cnn.strata").toStdString());
        project.dataset.limit = 1500;
        project.training.epochs = 2;
        TrainingSession session;
        InferencePanel panel(&session);
        panel.resize(360, 560);
        panel.show();
        QVERIFY(train(session, project));
        QVERIFY(session.latestSnapshot());

        // A test image as a PNG, asked about: the same answer, to the bit, as a probe gives
        // on the loader's sample normalised as in training.
        const Dataset test =
            loadIdx(kFashion + "t10k-images-idx3-ubyte.gz", kFashion + "t10k-labels-idx1-ubyte.gz");
        QImage image(28, 28, QImage::Format_Grayscale8);
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x)
                image.scanLine(y)[x] = uchar(test.features[size_t(y * 28 + x)]);
        const QString png = dir_.path() + "/test0.png";
        QVERIFY(image.save(png));
        QVERIFY(panel.openPicture(png));
        QCOMPARE(panel.scores().size(), size_t(InferencePanel::kTop));
        QVERIFY2(panel.message().isEmpty(), qPrintable(panel.message()));

        Probe probe(session.runProject());
        probe.load(session.latestSnapshot());
        Dataset one;
        one.sampleShape = test.sampleShape;
        one.features.assign(test.features.begin(), test.features.begin() + 784);
        one.labels = {0};
        QVERIFY(session.startedInfo());
        session.startedInfo()->normalization.apply(one);
        QCOMPARE(panel.lastInput(), std::vector<float>(test.features.begin(),
                                                       test.features.begin() + 784));
        const Tensor p = probe.probabilities(Tensor::fromVector({1, 1, 28, 28}, one.features));
        const auto expected = topClasses(p.data(), p.numel(), session.startedInfo()->classNames,
                                         InferencePanel::kTop);
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(panel.scores()[i].index, expected[i].index);
            QCOMPARE(panel.scores()[i].name, expected[i].name);
            QCOMPARE(panel.scores()[i].probability, expected[i].probability);
        }
        float sum = 0;
        for (int i = 0; i < p.numel(); ++i)
            sum += p.data()[i];
        QVERIFY(std::fabs(sum - 1) < 1e-4);

        // Inside the model, for the same picture: a convolution's channels, a dense layer's
        // units, as the probe gives them.
        std::string conv, dense;
        for (const Node &n : session.runProject().graph.nodes()) {
            if (n.type == "Conv2D" && conv.empty())
                conv = n.id;
            if (n.type == "Dense" && dense.empty())
                dense = n.id;
        }
        QVERIFY(panel.showLayer(QString::fromStdString(conv)));
        std::map<std::string, Tensor> outs;
        probe.probabilities(Tensor::fromVector({1, 1, 28, 28}, one.features), {conv, dense}, outs);
        QCOMPARE(panel.activations()->channelCount(), int(outs.at(conv).shape()[1]));
        QVERIFY(panel.activations()->caption().contains("channel"));
        QVERIFY(panel.showLayer(QString::fromStdString(dense)));
        QCOMPARE(panel.activations()->barCount(), int(outs.at(dense).numel()));
        QVERIFY(!panel.showLayer("no such layer"));

        // A drawing: asked as soon as it changes (the pad is 10x MNIST's resolution).
        const int before = panel.evaluations();
        panel.pad()->clear();
        panel.pad()->stroke({0.3, 0.2}, {0.3, 0.8});
        panel.pad()->stroke({0.3, 0.8}, {0.7, 0.8});
        QTRY_VERIFY(panel.evaluations() > before);
        QCOMPARE(panel.scores().size(), size_t(InferencePanel::kTop));
        const auto &seen = panel.lastInput();
        QCOMPARE(seen.size(), size_t(784));
        QVERIFY(*std::max_element(seen.begin(), seen.end()) > 200);
        QCOMPARE(seen[0], 0.f); // the corner stays black

        // For the README (scripts/screenshots.sh).
        if (const QString shots = qEnvironmentVariable("STRATA_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QVERIFY(panel.openPicture(png));
            QVERIFY(panel.showLayer(QString::fromStdString(conv)));
            panel.resize(380, 760);
            QDir().mkpath(shots);
            QVERIFY(panel.grab().save(shots + QStringLiteral("/inference_panel.png")));
        }
    }
};

QTEST_MAIN(TestInferencePanel)
#include "test_inference_panel.moc"
