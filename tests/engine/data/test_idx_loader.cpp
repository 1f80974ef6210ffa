// The IDX loader (MNIST / Fashion-MNIST format): malformed files are refused with a message
// naming the file and the problem; valid files, raw or gzipped, load exactly.

#include "dataset_test_files.h"

#include "strata/dataset.h"

#include <QtTest>

using namespace strata;
using namespace strata::testdata;

class TestIdxLoader : public QObject
{
    Q_OBJECT

private slots:
    void malformed_data();
    void malformed();
    void roundTrip();
    void gzipAndRawAgree();
};

void TestIdxLoader::malformed_data()
{
    QTest::addColumn<QByteArray>("images");
    QTest::addColumn<QByteArray>("labels");
    QTest::addColumn<bool>("writeImages");
    QTest::addColumn<QString>("badFile"); // the file the message must name
    QTest::addColumn<QString>("fragment");

    const QByteArray goodImages = idxImages(3, 2, 2);
    const QByteArray goodLabels = idxLabels({0, 1, 2});
    QByteArray badMagic = goodImages;
    badMagic[2] = char(0x09);
    QByteArray noZeroPrefix = goodImages;
    noZeroPrefix[0] = char(0x1f); // neither IDX nor gzip (1f 8b)

    QTest::newRow("bad magic type byte") << badMagic << goodLabels << true << "images.idx"
                                         << "bad magic number 0x00000903";
    QTest::newRow("bad magic prefix") << noZeroPrefix << goodLabels << true << "images.idx"
                                      << "bad magic number 0x1F000803";
    QTest::newRow("image file needs 3 dims")
        << idx({3, 4}, QByteArray(12, 'x')) << goodLabels << true << "images.idx"
        << "has 2 dimensions (magic 0x00000802) but an IDX image file needs 3";
    QTest::newRow("labels file given images") << goodImages << goodImages << true << "labels.idx"
                                              << "is this the image file?";
    QTest::newRow("empty images file") << QByteArray() << goodLabels << true << "images.idx"
                                       << "too short for an IDX header";
    QTest::newRow("truncated header") << be32(0x803) + be32(3) << goodLabels << true << "images.idx"
                                      << "truncated header: the file ends at offset 8";
    QTest::newRow("truncated images")
        << goodImages.left(goodImages.size() - 1) << goodLabels << true << "images.idx"
        << "truncated image data: the header declares 3×2×2 = 12 "
           "bytes after offset 16 but the file ends at offset 27";
    QTest::newRow("truncated labels") << goodImages << goodLabels.left(9) << true << "labels.idx"
                                      << "truncated label data: the header declares 3 bytes after "
                                         "offset 8 but the file ends at offset 9";
    QTest::newRow("trailing data") << goodImages + "zz" << goodLabels << true << "images.idx"
                                   << "has more data after offset 28";
    QTest::newRow("count mismatch") << goodImages << idxLabels({0, 1}) << true << "labels.idx"
                                    << "has 3 images but";
    QTest::newRow("zero rows") << idx({3, 0, 2}, {}) << goodLabels << true << "images.idx"
                               << "dimension 2 at offset 8 is 0";
    QTest::newRow("zero count") << idx({0, 2, 2}, {}) << idxLabels({}) << true << "images.idx"
                                << "dimension 1 at offset 4 is 0";
    QTest::newRow("zero labels") << goodImages << idx({0}, {}) << true << "labels.idx"
                                 << "dimension 1 at offset 4 is 0";
    QTest::newRow("dims overflow int64")
        << idx({0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {}) << goodLabels << true << "images.idx"
        << "overflows a 64-bit integer";
    QTest::newRow("absurd dims") << idx({60000, 65536, 65536}, {}) << goodLabels << true
                                 << "images.idx"
                                 << "too large: 257698037760000 image bytes";
    QTest::newRow("corrupt gzip")
        << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage, not deflate data", 36)
        << goodLabels << true << "images.idx"
        << "gzip data (zlib: invalid block type)";
    QTest::newRow("truncated gzip") << gzip(idxImages(50, 28, 28)).left(200)
                                    << idxLabels(std::vector<int>(50, 1)) << true << "images.idx"
                                    << "truncated gzip data (zlib: unexpected end of file)";
    QTest::newRow("gzip labels truncated")
        << goodImages << gzip(goodLabels).left(15) << true << "labels.idx"
        << "gzip";
    QTest::newRow("missing images file") << QByteArray() << goodLabels << false << "images.idx"
                                         << "cannot open the file (No such file or directory)";
}

void TestIdxLoader::malformed()
{
    QFETCH(QByteArray, images);
    QFETCH(QByteArray, labels);
    QFETCH(bool, writeImages);
    QFETCH(QString, badFile);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string imagesPath = writeImages ? writeFile(dir, "images.idx", images)
                                               : dir.filePath("images.idx").toStdString();
    const std::string labelsPath = writeFile(dir, "labels.idx", labels);
    const QString message = datasetErrorOf([&] { loadIdx(imagesPath, labelsPath); });
    QVERIFY2(!message.isEmpty(), "loadIdx accepted a malformed file");
    QVERIFY2(message.contains(dir.filePath(badFile)), qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

void TestIdxLoader::roundTrip()
{
    QTemporaryDir dir;
    const QByteArray pixels = QByteArray::fromHex("00ff10207f80fe01"
                                                  "0a0b0c0d0e0f1011"
                                                  "ff00ff00ff00ff00");
    const std::string images = writeFile(dir, "img", idx({3, 2, 4}, pixels));
    const std::string labels = writeFile(dir, "lbl", idxLabels({0, 7, 3}));
    const Dataset data = loadIdx(images, labels);

    QCOMPARE(data.size(), 3);
    QCOMPARE(data.sampleShape, Shape({1, 2, 4}));
    QCOMPARE(data.sampleSize(), 8);
    QCOMPARE(int(data.features.size()), 24);
    for (int i = 0; i < pixels.size(); ++i)
        QCOMPARE(data.features[size_t(i)], float(quint8(pixels[i])));
    QCOMPARE(data.labels, std::vector<int32_t>({0, 7, 3}));
    // Classes are what the labels use: 0..7.
    QCOMPARE(data.classCount(), 8);
    QCOMPARE(data.classNames.front(), std::string("0"));
    QCOMPARE(data.classNames.back(), std::string("7"));
    QCOMPARE(data.sample(2)[0], 255.0f);
    QCOMPARE(data.sample(2)[1], 0.0f);
}

void TestIdxLoader::gzipAndRawAgree()
{
    QTemporaryDir dir;
    // Large enough that the decompressed data spans several zlib buffers.
    const QByteArray images = idxImages(700, 28, 28);
    std::vector<int> labelValues;
    for (int i = 0; i < 700; ++i)
        labelValues.push_back((i * 3) % 10);
    const QByteArray labels = idxLabels(labelValues);
    const QByteArray gzImages = gzip(images);
    QVERIFY(!gzImages.isEmpty());
    QVERIFY(gzImages.size() < images.size());

    const Dataset raw = loadIdx(writeFile(dir, "i.idx", images), writeFile(dir, "l.idx", labels));
    const Dataset gz =
        loadIdx(writeFile(dir, "i.idx.gz", gzImages), writeFile(dir, "l.idx.gz", gzip(labels)));
    const Dataset mixed =
        loadIdx(writeFile(dir, "i2.idx.gz", gzImages), writeFile(dir, "l2.idx", labels));

    QCOMPARE(raw.size(), 700);
    QCOMPARE(raw.sampleShape, Shape({1, 28, 28}));
    QCOMPARE(gz.sampleShape, raw.sampleShape);
    QVERIFY(gz.features == raw.features);
    QVERIFY(gz.labels == raw.labels);
    QVERIFY(mixed.features == raw.features);
    QCOMPARE(raw.classCount(), 10);
    QCOMPARE(raw.features[size_t(28 * 28 * 699 + 5)], float(((28 * 28 * 699 + 5) * 7 + 3) % 256));
}

QTEST_APPLESS_MAIN(TestIdxLoader)
#include "test_idx_loader.moc"
