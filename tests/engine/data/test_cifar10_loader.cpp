// The CIFAR-10 binary batch loader and its class names file.

#include "dataset_test_files.h"

#include "strata/dataset.h"

#include <QtTest>

using namespace strata;
using namespace strata::testdata;

namespace {

constexpr int kRecord = 3073;

// n records; record r has label labels[r] and pixel p = (r + p) % 256.
QByteArray cifarBatch(const std::vector<int> &labels)
{
    QByteArray b;
    for (size_t r = 0; r < labels.size(); ++r) {
        b += char(labels[r]);
        for (int p = 0; p < 3072; ++p)
            b += char((int(r) + p) % 256);
    }
    return b;
}

} // namespace

class TestCifar10Loader : public QObject
{
    Q_OBJECT

private slots:
    void malformed_data();
    void malformed();
    void roundTrip();
    void severalBatches();
    void classNamesFile();
    void classNamesFileWithWrongCount();
};

void TestCifar10Loader::malformed_data()
{
    QTest::addColumn<QByteArray>("second"); // the first batch is valid
    QTest::addColumn<bool>("write");
    QTest::addColumn<QString>("fragment");

    const QByteArray good = cifarBatch({1, 2});
    QTest::newRow("size not a multiple")
        << good.left(2 * kRecord - 5) << true << "is 6141 bytes, which is not a multiple of 3073";
    QTest::newRow("one byte") << QByteArray(1, '\0') << true << "not a multiple of 3073";
    QTest::newRow("label 10") << cifarBatch({3, 10, 4}) << true
                              << "record 1 (offset 3073) has label 10, but CIFAR-10 labels are "
                                 "0 to 9";
    QTest::newRow("label 255") << cifarBatch({255}) << true << "record 0 (offset 0) has label 255";
    QTest::newRow("empty file") << QByteArray() << true << "is empty";
    QTest::newRow("missing file") << QByteArray() << false << "cannot open the file";
    QTest::newRow("truncated gzip") << gzip(good).left(40) << true << "gzip";
}

void TestCifar10Loader::malformed()
{
    QFETCH(QByteArray, second);
    QFETCH(bool, write);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string first = writeFile(dir, "data_batch_1.bin", cifarBatch({0, 9}));
    const QString secondName = dir.filePath("data_batch_2.bin");
    if (write)
        writeFile(dir, "data_batch_2.bin", second);
    const QString message = datasetErrorOf([&] { loadCifar10({first, secondName.toStdString()}); });
    QVERIFY2(!message.isEmpty(), "loadCifar10 accepted a malformed batch");
    QVERIFY2(message.contains(secondName), qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

void TestCifar10Loader::roundTrip()
{
    QTemporaryDir dir;
    QByteArray batch = cifarBatch({6, 0, 9});
    batch[kRecord + 1] = char(200);             // record 1: red (0, 0)
    batch[kRecord + 1 + 1024] = char(201);      // green (0, 0)
    batch[kRecord + 1 + 2048 + 33] = char(202); // blue (1, 1)
    const Dataset data = loadCifar10({writeFile(dir, "test_batch.bin", batch)});

    QCOMPARE(data.size(), 3);
    QCOMPARE(data.sampleShape, Shape({3, 32, 32}));
    QCOMPARE(data.labels, std::vector<int32_t>({6, 0, 9}));
    QCOMPARE(data.classCount(), 10);
    QCOMPARE(data.classNames[0], std::string("airplane"));
    QCOMPARE(data.classNames[6], std::string("frog"));
    QCOMPARE(data.classNames[9], std::string("truck"));
    // The record's planes are the sample's channels, in CHW order.
    const float *s1 = data.sample(1);
    QCOMPARE(s1[0], 200.0f);
    QCOMPARE(s1[1024], 201.0f);
    QCOMPARE(s1[2048 + 32 + 1], 202.0f);
    QCOMPARE(s1[5], float((1 + 5) % 256));
    QCOMPARE(data.sample(2)[3071], float((2 + 3071) % 256));
}

void TestCifar10Loader::severalBatches()
{
    QTemporaryDir dir;
    const Dataset data = loadCifar10({writeFile(dir, "a.bin", cifarBatch({1, 2})),
                                      writeFile(dir, "b.bin.gz", gzip(cifarBatch({3})))});
    QCOMPARE(data.size(), 3);
    QCOMPARE(data.labels, std::vector<int32_t>({1, 2, 3}));
    QCOMPARE(int(data.features.size()), 3 * 3072);
    QCOMPARE(data.sample(2)[7], 7.0f);

    const QString none = datasetErrorOf([] { loadCifar10({}); });
    QVERIFY2(none.contains("No CIFAR-10 batch files"), qPrintable(none));
}

void TestCifar10Loader::classNamesFile()
{
    QTemporaryDir dir;
    writeFile(dir, "data_batch_1.bin", cifarBatch({0, 9}));
    writeFile(dir, "test_batch.bin", cifarBatch({5}));
    writeFile(dir, "batches.meta.txt", "a0\na1\r\n a2 \na3\na4\na5\na6\na7\na8\na9\n\n\n");
    DatasetSpec spec;
    spec.kind = "cifar10";
    spec.trainFiles = {"data_batch_1.bin"};
    spec.testFile = "test_batch.bin";
    spec.classNamesFile = "batches.meta.txt";
    const DatasetBundle bundle = loadDataset(spec, dir.path().toStdString());
    QCOMPARE(bundle.train.size(), 2);
    QVERIFY(bundle.test.has_value());
    QCOMPARE(bundle.test->size(), 1);
    QCOMPARE(bundle.train.classCount(), 10);
    QCOMPARE(bundle.train.classNames[2], std::string("a2"));
    QCOMPARE(bundle.train.classNames[9], std::string("a9"));
    QVERIFY(bundle.test->classNames == bundle.train.classNames);
}

void TestCifar10Loader::classNamesFileWithWrongCount()
{
    QTemporaryDir dir;
    writeFile(dir, "data_batch_1.bin", cifarBatch({0}));
    const std::string meta = writeFile(dir, "meta.txt", "cat\ndog\n\nbird\n");
    DatasetSpec spec;
    spec.kind = "cifar10";
    spec.trainFiles = {"data_batch_1.bin"};
    spec.classNamesFile = "meta.txt";
    const QString message = datasetErrorOf([&] { loadDataset(spec, dir.path().toStdString()); });
    QVERIFY2(message.contains(QString::fromStdString(meta)), qPrintable(message));
    QVERIFY2(message.contains("lists 3 class names but CIFAR-10 needs 10"), qPrintable(message));
}

QTEST_APPLESS_MAIN(TestCifar10Loader)
#include "test_cifar10_loader.moc"
