// The shapes example (projects/shapes_folder.strata): its pictures, drawn by
// scripts/make_shapes.py into projects/data/shapes, load from the project's relative folders
// as three classes of 1x32x32 samples scaled to [0, 1], and a few epochs of the project's own
// training already tell the shapes apart far better than chance (a third).

#include "source_dir.h"
#include "strata/dataset.h"
#include "strata/project.h"
#include "strata/trainer.h"

#include <QElapsedTimer>
#include <QtTest>

#include <algorithm>
#include <string>
#include <vector>

using namespace strata;

namespace {

std::string examplePath()
{
    return test::examplePath("shapes_folder.strata").toStdString();
}

std::vector<int64_t> classCounts(const Dataset &d)
{
    std::vector<int64_t> counts(size_t(d.classCount()), 0);
    for (int32_t label : d.labels)
        ++counts[size_t(label)];
    return counts;
}

} // namespace

class TestShapesExample : public QObject
{
    Q_OBJECT

private slots:
    void datasetLoadsFromTheProjectsFolder()
    {
        const Project p = loadProject(examplePath());
        QCOMPARE(p.dataset.kind, std::string("image_folder"));
        // Relative: the pictures travel with the examples.
        QCOMPARE(p.dataset.trainFolder, std::string("data/shapes/train"));
        QCOMPARE(p.dataset.testFolder, std::string("data/shapes/test"));
        const DatasetBundle b = loadDataset(p.dataset, projectBaseDir(examplePath()));
        const std::vector<std::string> classes = {"circle", "square", "triangle"};
        QCOMPARE(b.train.classNames, classes);
        QCOMPARE(b.train.sampleShape, Shape({1, 32, 32}));
        QCOMPARE(classCounts(b.train), std::vector<int64_t>({250, 250, 250}));
        QVERIFY(b.test);
        QCOMPARE(b.test->classNames, classes);
        QCOMPARE(b.test->sampleShape, Shape({1, 32, 32}));
        QCOMPARE(classCounts(*b.test), std::vector<int64_t>({40, 40, 40}));
        QVERIFY(b.warnings.empty());
        // Scaled: dark backgrounds, light shapes.
        const auto [low, high] =
            std::minmax_element(b.train.features.begin(), b.train.features.end());
        QVERIFY(*low >= 0.0f && *low < 0.1f);
        QVERIFY(*high <= 1.0f && *high > 0.9f);
    }

    void trainsWellBeyondChanceInAFewEpochs()
    {
        Project p = loadProject(examplePath());
        p.training.epochs = 10;
        p.training.threads = 1;
        QElapsedTimer clock;
        clock.start();
        Trainer t(p, projectBaseDir(examplePath()), {});
        const FinishedEvent f = t.run();
        QCOMPARE(toString(f.reason), toString(FinishedEvent::Reason::Completed));
        QVERIFY(f.testAccuracy);
        qInfo("test accuracy after %d epochs: %.4f (%lld ms)", f.epochsRun, *f.testAccuracy,
              static_cast<long long>(clock.elapsed()));
        QVERIFY2(*f.testAccuracy > 0.7, qPrintable(QString::number(*f.testAccuracy)));
    }
};

QTEST_APPLESS_MAIN(TestShapesExample)
#include "test_shapes_example.moc"
