// Dataset::gather and Dataset::slice, and loadDataset: paths, required fields, limits, class
// names.

#include "dataset_test_files.h"

#include "strata/dataset.h"

#include <QDir>
#include <QtTest>

using namespace strata;
using namespace strata::testdata;

namespace {

Dataset counting(int64_t n)
{
    Dataset d;
    d.name = "counting";
    d.sampleShape = {1, 1, 2};
    for (int64_t i = 0; i < n; ++i) {
        d.features.push_back(float(10 * i));
        d.features.push_back(float(10 * i + 1));
        d.labels.push_back(int32_t(i % 3));
    }
    d.classNames = {"a", "b", "c"};
    return d;
}

} // namespace

class TestLoadDataset : public QObject
{
    Q_OBJECT

private slots:
    void gather();
    void gatherReusesOrReallocates();
    void gatherRefusesBadIndices();
    void slice();
    void missingFields_data();
    void missingFields();
    void relativePathsAndLimits();
    void classNamesOverride();
    void fashionNamesFromPath();
    void testShapeMustMatch();
    void builtinHasNoTestSet();
};

void TestLoadDataset::gather()
{
    const Dataset d = counting(5);
    const std::vector<int64_t> order{4, 0, 3, 1, 2};
    Tensor x, y;
    d.gather(order, 1, 3, x, y);
    QCOMPARE(x.shape(), Shape({3, 1, 1, 2}));
    QCOMPARE(y.shape(), Shape({3}));
    QCOMPARE(x.toVector(), std::vector<float>({0, 1, 30, 31, 10, 11}));
    QCOMPARE(y.toVector(), std::vector<float>({0, 0, 1}));
}

void TestLoadDataset::gatherReusesOrReallocates()
{
    const Dataset d = counting(5);
    const std::vector<int64_t> order{0, 1, 2, 3, 4};
    Tensor x, y;
    d.gather(order, 0, 2, x, y);
    const float *buffer = x.data();
    d.gather(order, 2, 2, x, y); // same shape: same buffer
    QCOMPARE(x.data(), buffer);
    QCOMPARE(x.toVector(), std::vector<float>({20, 21, 30, 31}));
    d.gather(order, 4, 1, x, y); // the last, short batch: a new shape
    QCOMPARE(x.shape(), Shape({1, 1, 1, 2}));
    QCOMPARE(y.toVector(), std::vector<float>({1}));

    Tensor wrong({7});
    Tensor wrongY({2, 2});
    d.gather(order, 0, 2, wrong, wrongY);
    QCOMPARE(wrong.shape(), Shape({2, 1, 1, 2}));
    QCOMPARE(wrongY.shape(), Shape({2}));
}

void TestLoadDataset::gatherRefusesBadIndices()
{
    const Dataset d = counting(3);
    Tensor x, y;
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, d.gather({0, 1}, 1, 2, x, y));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, d.gather({0, 3}, 0, 2, x, y));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, d.gather({-1}, 0, 1, x, y));
}

void TestLoadDataset::slice()
{
    const Dataset d = counting(5);
    const Dataset s = d.slice(1, 3);
    QCOMPARE(s.size(), 2);
    QCOMPARE(s.sampleShape, d.sampleShape);
    QCOMPARE(s.classNames, d.classNames);
    QCOMPARE(s.name, d.name);
    QCOMPARE(s.features, std::vector<float>({10, 11, 20, 21}));
    QCOMPARE(s.labels, std::vector<int32_t>({1, 2}));
    QCOMPARE(d.slice(5, 5).size(), 0);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, d.slice(3, 6));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, d.slice(3, 2));
}

void TestLoadDataset::missingFields_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("set"); // which one field is set
    QTest::addColumn<QString>("fragment");
    QTest::newRow("idx without images") << "idx"
                                        << "labels"
                                        << "needs train_images";
    QTest::newRow("idx without labels") << "idx"
                                        << "images"
                                        << "needs train_labels";
    QTest::newRow("idx test images only") << "idx"
                                          << "both+testImages"
                                          << "needs test_labels";
    QTest::newRow("cifar10 without files") << "cifar10"
                                           << ""
                                           << "needs train_files";
    QTest::newRow("csv without file") << "csv"
                                      << ""
                                      << "needs train_csv";
    QTest::newRow("unknown kind") << "hdf5"
                                  << ""
                                  << "Unknown dataset kind 'hdf5'";
}

void TestLoadDataset::missingFields()
{
    QFETCH(QString, kind);
    QFETCH(QString, set);
    QFETCH(QString, fragment);
    QTemporaryDir dir;
    writeFile(dir, "i", idxImages(2, 2, 2));
    writeFile(dir, "l", idxLabels({0, 1}));
    DatasetSpec spec;
    spec.kind = kind.toStdString();
    if (set.contains("images") || set.startsWith("both"))
        spec.trainImages = "i";
    if (set.contains("labels") || set.startsWith("both"))
        spec.trainLabels = "l";
    if (set.contains("testImages"))
        spec.testImages = "i";
    const QString message = datasetErrorOf([&] { loadDataset(spec, dir.path().toStdString()); });
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

void TestLoadDataset::relativePathsAndLimits()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("data"));
    writeFile(dir, "data/train-images", idxImages(10, 3, 2));
    writeFile(dir, "data/train-labels", idxLabels({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    writeFile(dir, "data/test-images.gz", gzip(idxImages(4, 3, 2)));
    writeFile(dir, "data/test-labels.gz", gzip(idxLabels({9, 8, 7, 6})));
    DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "data/train-images";
    spec.trainLabels = "data/train-labels";
    spec.testImages = "data/test-images.gz";
    spec.testLabels = dir.filePath("data/test-labels.gz").toStdString(); // absolute
    spec.limit = 6;
    spec.testLimit = 3;
    const DatasetBundle b = loadDataset(spec, dir.path().toStdString());
    QCOMPARE(b.train.size(), 6);
    QCOMPARE(b.train.sampleShape, Shape({1, 3, 2}));
    QCOMPARE(b.train.labels, std::vector<int32_t>({0, 1, 2, 3, 4, 5}));
    QVERIFY(b.test.has_value());
    QCOMPARE(b.test->size(), 3);
    QCOMPARE(b.test->labels, std::vector<int32_t>({9, 8, 7}));
    // Classes cover the whole files, not only the samples the limit keeps.
    QCOMPARE(b.train.classCount(), 10);
    QCOMPARE(b.test->classNames, b.train.classNames);

    // A limit beyond the size keeps everything; a negative one is refused.
    spec.limit = 1000;
    QCOMPARE(loadDataset(spec, dir.path().toStdString()).train.size(), 10);
    spec.limit = -1;
    const QString message = datasetErrorOf([&] { loadDataset(spec, dir.path().toStdString()); });
    QVERIFY2(message.contains("limit"), qPrintable(message));

    // Relative to another folder, the files are not found, and the message says where.
    spec.limit = 0;
    const QString missing = datasetErrorOf([&] { loadDataset(spec, "/nonexistent-base"); });
    QVERIFY2(missing.contains("/nonexistent-base/data/train-images"), qPrintable(missing));
}

void TestLoadDataset::classNamesOverride()
{
    QTemporaryDir dir;
    writeFile(dir, "i", idxImages(3, 1, 1));
    writeFile(dir, "l", idxLabels({0, 2, 1}));
    DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "i";
    spec.trainLabels = "l";
    spec.classNames = {"cat", "dog", "eel", "fox"};
    const DatasetBundle b = loadDataset(spec, dir.path().toStdString());
    QCOMPARE(b.train.classNames, spec.classNames);
    QCOMPARE(b.train.classCount(), 4);

    spec.classNames = {"cat", "dog"};
    const QString message = datasetErrorOf([&] { loadDataset(spec, dir.path().toStdString()); });
    QVERIFY2(message.contains("class_names lists 2 class names but the labels go up to 2"),
             qPrintable(message));
}

void TestLoadDataset::fashionNamesFromPath()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("Fashion-MNIST"));
    writeFile(dir, "Fashion-MNIST/i", idxImages(2, 1, 1));
    writeFile(dir, "Fashion-MNIST/l", idxLabels({9, 0}));
    DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "Fashion-MNIST/i";
    spec.trainLabels = "Fashion-MNIST/l";
    const DatasetBundle b = loadDataset(spec, dir.path().toStdString());
    QCOMPARE(b.train.classCount(), 10);
    QCOMPARE(b.train.classNames[0], std::string("T-shirt/top"));
    QCOMPARE(b.train.classNames[9], std::string("Ankle boot"));

    // Without "fashion" in the path the names are the class numbers.
    writeFile(dir, "i", idxImages(2, 1, 1));
    writeFile(dir, "l", idxLabels({9, 0}));
    spec.trainImages = "i";
    spec.trainLabels = "l";
    QCOMPARE(loadDataset(spec, dir.path().toStdString()).train.classNames[0], std::string("0"));
}

void TestLoadDataset::testShapeMustMatch()
{
    QTemporaryDir dir;
    writeFile(dir, "i", idxImages(2, 2, 2));
    writeFile(dir, "l", idxLabels({0, 1}));
    writeFile(dir, "ti", idxImages(2, 3, 3));
    DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "i";
    spec.trainLabels = "l";
    spec.testImages = "ti";
    spec.testLabels = "l";
    const QString message = datasetErrorOf([&] { loadDataset(spec, dir.path().toStdString()); });
    QVERIFY2(message.contains(dir.filePath("ti")), qPrintable(message));
    QVERIFY2(message.contains("test samples are 1×3×3 but training samples are 1×2×2"),
             qPrintable(message));
}

void TestLoadDataset::builtinHasNoTestSet()
{
    DatasetSpec spec;
    spec.name = "moons";
    spec.limit = 50;
    const DatasetBundle b = loadDataset(spec, "/ignored");
    QCOMPARE(b.train.size(), 50);
    QVERIFY(!b.test.has_value());
    QCOMPARE(b.normalization.mode, std::string("none"));
}

QTEST_APPLESS_MAIN(TestLoadDataset)
#include "test_load_dataset.moc"
