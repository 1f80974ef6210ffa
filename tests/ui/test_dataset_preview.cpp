// The dataset preview's background loads: a preview destroyed while it loads neither waits
// for the load nor is reached by it, and the studio's worker pool ends in bounded time. A
// folder of pictures shows its thumbnails, its counts per class and the files it skipped.

#include "ui/dataset/dataset_preview.h"

#include "widgets/image_grid.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QSignalSpy>
#include <QTableWidget>
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
    void imageFolderClassesAndSkippedFiles();
    void augmentedDrawsFollowTheSpecWithoutReloading();
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

void TestDatasetPreview::imageFolderClassesAndSkippedFiles()
{
    QTemporaryDir dir;
    const std::pair<const char *, int> classes[] = {{"cat", 5}, {"dog", 2}, {"emu", 3}};
    for (const auto &[name, count] : classes) {
        QDir(dir.path()).mkpath(QStringLiteral("train/") + name);
        for (int i = 0; i < count; ++i) {
            QImage picture(20 + i, 12, QImage::Format_RGB32);
            picture.fill(QColor(40 * i, 200, 30 * count));
            QVERIFY(picture.save(dir.filePath(QStringLiteral("train/%1/%2.png").arg(name).arg(i))));
        }
    }
    QFile stray(dir.filePath("train/dog/notes.txt"));
    QVERIFY(stray.open(QIODevice::WriteOnly));
    stray.write("not a picture");
    stray.close();

    strata::DatasetSpec spec;
    spec.kind = "image_folder";
    spec.trainFolder = "train";
    spec.imageHeight = spec.imageWidth = 16;
    DatasetPreview preview;
    QSignalSpy loaded(&preview, &DatasetPreview::loaded);
    preview.showDataset(spec, dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    // The stray file stops the load, named.
    QVERIFY2(preview.errorText().startsWith(dir.filePath("train/dog/notes.txt")),
             qPrintable(preview.errorText()));

    spec.skipBadFiles = true;
    preview.showDataset(spec, dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
    QVERIFY2(preview.errorText().isEmpty(), qPrintable(preview.errorText()));
    QCOMPARE(preview.currentView(), DatasetPreview::View::Images);
    QCOMPARE(preview.shapeText(), QStringLiteral("3 × 16 × 16 (768 values per sample)"));
    QCOMPARE(preview.imageGrid()->count(), 4 + 2 + 3); // up to 4 of each class
    QTableWidget *counts = preview.classCounts();
    QCOMPARE(counts->rowCount(), 3);
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(counts->item(c, 0)->text(), QString::fromLatin1(classes[c].first));
        QVERIFY(counts->item(c, 1)->text().startsWith(QString::number(classes[c].second) + " ("));
    }
    QCOMPARE(preview.warnings().size(), 1);
    QVERIFY2(preview.warnings().front().contains("skipped 1 file of 11"),
             qPrintable(preview.warnings().front()));
    QVERIFY(preview.infoText().contains("skipped 1 file of 11"));
}

// The first training picture and eight draws of it; a change to the augmentation alone
// redraws them without loading the data again, and turning it off hides them.
void TestDatasetPreview::augmentedDrawsFollowTheSpecWithoutReloading()
{
    QTemporaryDir dir;
    for (const char *name : {"left", "right"}) {
        QDir(dir.path()).mkpath(QStringLiteral("train/") + name);
        for (int i = 0; i < 2; ++i) {
            // A bright bar at one side: a flip or a turn moves it.
            QImage picture(12, 12, QImage::Format_Grayscale8);
            picture.fill(Qt::black);
            for (int y = 0; y < 12; ++y)
                for (int x = 0; x < 3; ++x)
                    picture.setPixel(name[0] == 'l' ? x : 11 - x, y, qRgb(250, 250, 250));
            QVERIFY(picture.save(dir.filePath(QStringLiteral("train/%1/%2.png").arg(name).arg(i))));
        }
    }
    strata::DatasetSpec spec;
    spec.kind = "image_folder";
    spec.trainFolder = "train";
    spec.imageHeight = spec.imageWidth = 12;
    spec.color = "grayscale";
    spec.normalization = "scale";
    spec.augmentation.horizontalFlip = true;
    DatasetPreview preview;
    QSignalSpy loaded(&preview, &DatasetPreview::loaded);
    preview.showDataset(spec, dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY2(preview.errorText().isEmpty(), qPrintable(preview.errorText()));
    strata::widgets::ImageGrid *draws = preview.augmentedGrid();
    QVERIFY(!draws->isHidden());
    QCOMPARE(draws->count(), 1 + 8);
    QCOMPARE(draws->captions().front(), QStringLiteral("original"));
    // The original as the grid shows the set's first picture; flips among the draws.
    QCOMPARE(draws->images().front(), preview.imageGrid()->images().front());
    const QImage original = draws->images().front();
    int flipped = 0;
    for (int k = 1; k < draws->count(); ++k) {
        const QImage &d = draws->images()[size_t(k)];
        QVERIFY(d == original || d == original.mirrored(true, false));
        flipped += d != original;
    }
    QVERIFY2(flipped > 0 && flipped < 8, qPrintable(QString::number(flipped)));

    // Rotation added: redrawn at once, nothing loaded again.
    const int loads = preview.loadCount();
    const std::vector<QImage> before = draws->images();
    spec.augmentation.rotate = 30;
    QVERIFY(!preview.showDataset(spec, dir.path()));
    QCOMPARE(preview.loadCount(), loads);
    QCOMPARE(draws->count(), 9);
    QVERIFY(draws->images() != before);
    QVERIFY(!draws->isHidden());

    spec.augmentation = {};
    QVERIFY(!preview.showDataset(spec, dir.path()));
    QVERIFY(draws->isHidden());
}

QTEST_MAIN(TestDatasetPreview)
#include "test_dataset_preview.moc"
