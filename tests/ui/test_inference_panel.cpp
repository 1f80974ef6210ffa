// "Try the model": a Fashion-MNIST CNN trained briefly in a session answers about a PNG of a
// test image exactly as a probe does on the IDX loader's sample; a drawing on the pad is asked
// too, and another drawing changes the answer; a sample picked from the run's validation or
// test data is asked as the data holds it; a table model is asked about its rows and offers
// no drawing; a file that is not a picture and a session without weights get a message.

#include "ui/inference/activation_view.h"
#include "ui/inference/inference_panel.h"
#include "ui/inference/sample_picker.h"
#include "ui/session/training_session.h"
#include "widgets/image_grid.h"

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
        // A model on 2 features takes no picture: no pad, no drawing; it says what to do.
        QVERIFY(train(session, loadProject(test::examplePath("xor.strata").toStdString())));
        panel.pad()->stroke({0.2, 0.2}, {0.8, 0.8});
        panel.evaluate();
        QVERIFY2(panel.message().contains("takes 2 values per sample, not a picture"),
                 qPrintable(panel.message()));
        QVERIFY(!panel.pad()->isVisibleTo(&panel));
        QVERIFY(!panel.pad()->isDrawable());
        // A file that is not a picture: refused, with the reason.
        QVERIFY(!panel.openPicture(test::examplePath("xor.strata")));
        QVERIFY2(panel.message().contains("not a PNG, JPEG"), qPrintable(panel.message()));
        // A picture for a model on 2 features: refused, with the reason.
        QImage image(8, 8, QImage::Format_Grayscale8);
        image.fill(128);
        const QString png = dir_.path() + "/gray.png";
        QVERIFY(image.save(png));
        panel.openPicture(png);
        QVERIFY2(panel.message().contains("a picture needs an input"), qPrintable(panel.message()));
    }

    // A table model: its validation rows, picked, are asked about as the data holds them.
    void rowsOfATableModel()
    {
        Project project = loadProject(test::examplePath("spirals.strata").toStdString());
        project.training.epochs = 3;
        TrainingSession session;
        InferencePanel panel(&session);
        panel.resize(360, 700);
        panel.show();
        QVERIFY(train(session, project));
        SamplePicker *picker = panel.samples();
        picker->load();
        QTRY_VERIFY_WITH_TIMEOUT(!picker->isLoading() && picker->shownData(), kTimeoutMs);
        QVERIFY(!picker->showsPictures());
        QCOMPARE(picker->sampleCount(), session.startedInfo()->validationSamples);
        QCOMPARE(picker->shownCount(), SamplePicker::kPerPage);
        picker->setPage(1);
        QVERIFY(picker->choose(SamplePicker::kPerPage + 2));
        QVERIFY2(panel.sourceText().startsWith("validation sample 19 ("),
                 qPrintable(panel.sourceText()));
        QCOMPARE(panel.scores().size(), size_t(2)); // spirals: two classes
        QVERIFY(panel.message().isEmpty());
        // What the panel asked is the sample before normalisation, as the data holds it.
        const Dataset &shown = *picker->shownData();
        Dataset one;
        one.sampleShape = shown.sampleShape;
        one.features = panel.lastInput();
        one.labels = {0};
        session.startedInfo()->normalization.apply(one);
        for (size_t i = 0; i < one.features.size(); ++i)
            QVERIFY(std::fabs(one.features[i] - shown.features[size_t(18 * 2) + i]) < 1e-5);
        QVERIFY(!panel.pad()->isVisibleTo(&panel));
        QVERIFY(!picker->choose(picker->sampleCount())); // past the end: nothing
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
        QCOMPARE(panel.lastInput(),
                 std::vector<float>(test.features.begin(), test.features.begin() + 784));
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
        QCOMPARE(panel.activations()->channelCount(), 32); // the MNIST CNN's first convolution
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
        QVERIFY(panel.pad()->isDrawable());
        // Another drawing (a filled block instead of an L) changes the answer.
        std::vector<float> first;
        for (const ClassScore &c : panel.scores())
            first.push_back(c.probability + float(c.index) * 10);
        const int drawn = panel.evaluations();
        panel.pad()->clear();
        for (double y = 0.15; y < 0.85; y += 0.05)
            panel.pad()->stroke({0.15, y}, {0.85, y});
        QTRY_VERIFY(panel.evaluations() > drawn);
        std::vector<float> second;
        for (const ClassScore &c : panel.scores())
            second.push_back(c.probability + float(c.index) * 10);
        QVERIFY(first != second);

        // A sample of the run's validation data, picked from the thumbnails: asked as the
        // data holds it, named in the source line.
        SamplePicker *picker = panel.samples();
        picker->load();
        QTRY_VERIFY_WITH_TIMEOUT(!picker->isLoading() && picker->shownData(), kTimeoutMs);
        QVERIFY(picker->showsPictures());
        QCOMPARE(picker->sampleCount(), session.startedInfo()->validationSamples);
        QCOMPARE(picker->shownCount(), SamplePicker::kPerPage);
        widgets::ImageGrid *thumbnails =
            picker->findChild<widgets::ImageGrid *>("sampleThumbnails");
        QVERIFY(thumbnails);
        const int asked = panel.evaluations();
        emit thumbnails->imageClicked(3);
        QVERIFY(panel.evaluations() > asked);
        QVERIFY2(panel.sourceText().startsWith("validation sample 4 ("),
                 qPrintable(panel.sourceText()));
        QCOMPARE(panel.scores().size(), size_t(InferencePanel::kTop));
        // The test set too.
        QVERIFY(picker->setSource(SamplePicker::Source::Test));
        QCOMPARE(picker->sampleCount(), int64_t(10000));
        QVERIFY(picker->choose(0));
        QVERIFY(panel.sourceText().startsWith("test sample 1 ("));
        QCOMPARE(panel.lastInput(),
                 std::vector<float>(test.features.begin(), test.features.begin() + 784));

        // For the README (scripts/screenshots.sh).
        if (const QString shots = qEnvironmentVariable("STRATA_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QVERIFY(panel.openPicture(png));
            QVERIFY(panel.showLayer(QString::fromStdString(conv)));
            panel.resize(380, 940);
            QDir().mkpath(shots);
            QVERIFY(panel.grab().save(shots + QStringLiteral("/inference_panel.png")));
            // A pair of trousers drawn with the mouse: two wide legs from a waistband.
            panel.pad()->clear();
            for (double x = 0.3; x <= 0.7; x += 0.04)
                panel.pad()->stroke({x, 0.12}, {x, 0.2});
            for (double x = 0.28; x <= 0.46; x += 0.04)
                panel.pad()->stroke({x + 0.02, 0.2}, {x - 0.04, 0.9});
            for (double x = 0.54; x <= 0.72; x += 0.04)
                panel.pad()->stroke({x - 0.02, 0.2}, {x + 0.04, 0.9});
            QTRY_VERIFY(panel.evaluations() > 0 && panel.sourceText().startsWith("Drawing"));
            panel.evaluate();
            QVERIFY(panel.grab().save(shots + QStringLiteral("/inference_drawing.png")));
        }
    }
};

QTEST_MAIN(TestInferencePanel)
#include "test_inference_panel.moc"
