// The dataset preview's background loads: a preview destroyed while it loads neither waits
// for the load nor is reached by it, and the studio's worker pool ends in bounded time.

#include "ui/dataset/dataset_preview.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QThreadPool>
#include <QtTest>

#include <memory>

using strata::ui::DatasetPreview;

namespace {

// Two spirals large enough that generating and summarizing them takes a while.
strata::DatasetSpec largeSpirals(int64_t samples)
{
    strata::DatasetSpec spec;
    spec.kind = "builtin";
    spec.name = "spirals";
    spec.samples = samples;
    return spec;
}

} // namespace

class TestDatasetPreview : public QObject
{
    Q_OBJECT

private slots:
    void destroyedWhileLoading();
    void destroyedWithALoadWaiting();
    void quitWhileLoadingFashionMnist();
    void loadsStillArrive();
};

void TestDatasetPreview::destroyedWhileLoading()
{
    for (int i = 0; i < 3; ++i) {
        auto preview = std::make_unique<DatasetPreview>();
        QVERIFY(preview->showDataset(largeSpirals(2'000'000), QString()));
        QVERIFY(preview->isLoading());
        QElapsedTimer clock;
        clock.start();
        preview.reset(); // not waited for
        QVERIFY2(clock.elapsed() < 200, qPrintable(QString::number(clock.elapsed())));
    }
    // What the application does when it quits: wait for the pool. The abandoned loads end
    // on their own, and their results reach no one.
    QElapsedTimer clock;
    clock.start();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
    qInfo("Abandoned loads ended %lld ms after their previews went",
          static_cast<long long>(clock.elapsed()));
    QTest::qWait(50); // any queued result is dropped, not delivered
}

void TestDatasetPreview::destroyedWithALoadWaiting()
{
    auto preview = std::make_unique<DatasetPreview>();
    QVERIFY(preview->showDataset(largeSpirals(1'000'000), QString()));
    strata::DatasetSpec moons;
    moons.kind = "builtin";
    moons.name = "moons";
    QVERIFY(preview->showDataset(moons, QString())); // waits for the first load
    preview.reset();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
    QTest::qWait(50);
}

void TestDatasetPreview::quitWhileLoadingFashionMnist()
{
    // The largest set a user is likely to preview: what quitting the studio right after
    // opening its preview costs (the pool is waited for).
    const QString dir = QStringLiteral("/usr/share/datasets/fashion-mnist");
    if (!QFileInfo::exists(dir + "/train-images-idx3-ubyte.gz"))
        QSKIP("dataset-fashion-mnist is not installed");
    strata::DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "train-images-idx3-ubyte.gz";
    spec.trainLabels = "train-labels-idx1-ubyte.gz";
    auto preview = std::make_unique<DatasetPreview>();
    QVERIFY(preview->showDataset(spec, dir));
    preview.reset();
    QElapsedTimer clock;
    clock.start();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(60000));
    qInfo("Quitting while Fashion-MNIST's 60 000 training images load waits %lld ms",
          static_cast<long long>(clock.elapsed()));
}

void TestDatasetPreview::loadsStillArrive()
{
    DatasetPreview preview;
    QSignalSpy loaded(&preview, &DatasetPreview::loaded);
    preview.showDataset(largeSpirals(200'000), QString());
    strata::DatasetSpec moons;
    moons.kind = "builtin";
    moons.name = "moons";
    preview.showDataset(moons, QString()); // supersedes the spirals
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(!preview.isLoading());
    QCOMPARE(preview.currentView(), DatasetPreview::View::Scatter);
    QVERIFY2(preview.errorText().isEmpty(), qPrintable(preview.errorText()));
    QTest::qWait(50);
    QCOMPARE(loaded.count(), 1); // the superseded load shows nothing
}

QTEST_MAIN(TestDatasetPreview)
#include "test_dataset_preview.moc"
