// Normalization::apply and how loadDataset fits it: "scale" and "standardize" (per channel,
// fitted on the training set and applied unchanged to the test set).

#include "dataset_test_files.h"

#include "strata/dataset.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testdata;

namespace {

// Mean and population std of channel c (first sample axis) over the whole set.
std::pair<double, double> channelStats(const Dataset &data, int64_t c)
{
    const int64_t per = data.sampleSize() / data.sampleShape.front();
    double sum = 0, squares = 0;
    for (int64_t i = 0; i < data.size(); ++i)
        for (int64_t k = 0; k < per; ++k) {
            const double v = data.sample(i)[c * per + k];
            sum += v;
            squares += v * v;
        }
    const double n = double(data.size() * per);
    const double mean = sum / n;
    return {mean, std::sqrt(std::max(0.0, squares / n - mean * mean))};
}

Dataset tiny(Shape shape, std::vector<float> values)
{
    Dataset d;
    d.name = "tiny";
    d.sampleShape = std::move(shape);
    d.features = std::move(values);
    d.labels.assign(d.features.size() / size_t(d.sampleSize()), 0);
    d.classNames = {"0"};
    return d;
}

// Four 1×2×3 images (one channel) whose pixels are far from mean 0 / std 1, and a test file
// of white pixels.
void writeImages(const QTemporaryDir &dir)
{
    writeFile(dir, "train-images",
              idx({4, 2, 3}, QByteArray::fromHex("00ff1020304050607080"
                                                 "90a0b0c0d0e0f0ff0102"
                                                 "03040506")));
    writeFile(dir, "train-labels", idxLabels({0, 1, 0, 1}));
    writeFile(dir, "test-images", idx({1, 2, 3}, QByteArray::fromHex("ffffffffffff")));
    writeFile(dir, "test-labels", idxLabels({1}));
}

DatasetSpec imageSpec(const char *normalization)
{
    DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "train-images";
    spec.trainLabels = "train-labels";
    spec.testImages = "test-images";
    spec.testLabels = "test-labels";
    spec.normalization = normalization;
    return spec;
}

} // namespace

class TestDatasetNormalization : public QObject
{
    Q_OBJECT

private slots:
    void applyFormula();
    void applyRefusesWrongChannelCount();
    void scaleImages();
    void standardizeImages();
    void scaleVectors();
    void standardizeVectors();
    void constantFeatureKeepsStdOne();
    void noneLeavesDataAlone();
    void unknownMode();
};

void TestDatasetNormalization::applyFormula()
{
    // Two channels of two values each: x' = (x * scale - mean[c]) / std[c].
    Dataset d = tiny({2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    Normalization n;
    n.mode = "standardize";
    n.scale = 0.5f;
    n.mean = {1.0f, -1.0f};
    n.std = {2.0f, 4.0f};
    n.apply(d);
    QCOMPARE(d.features,
             std::vector<float>({-0.25f, 0.0f, 0.625f, 0.75f, 0.75f, 1.0f, 1.125f, 1.25f}));

    // A single mean/std applies to every channel.
    Dataset e = tiny({2, 1}, {2, 4});
    Normalization one;
    one.mean = {1.0f};
    one.std = {0.5f};
    one.apply(e);
    QCOMPARE(e.features, std::vector<float>({2.0f, 6.0f}));
}

void TestDatasetNormalization::applyRefusesWrongChannelCount()
{
    Dataset d = tiny({3, 2}, std::vector<float>(6, 1.0f));
    Normalization n;
    n.mean = {0.0f, 0.0f};
    const QString message = datasetErrorOf([&] { n.apply(d); });
    QVERIFY2(message.contains("2 mean values but the samples of 'tiny' (3×2) have 3 channels"),
             qPrintable(message));
}

void TestDatasetNormalization::scaleImages()
{
    QTemporaryDir dir;
    writeImages(dir);
    const DatasetBundle b = loadDataset(imageSpec("scale"), dir.path().toStdString());
    QCOMPARE(b.normalization.mode, std::string("scale"));
    QCOMPARE(b.normalization.scale, 1.0f / 255.0f);
    QVERIFY(b.normalization.mean.empty());
    QCOMPARE(b.train.features[0], 0.0f);
    QCOMPARE(b.train.features[1], 1.0f);
    QVERIFY(std::fabs(b.train.features[2] - 16.0f / 255.0f) < 1e-7f);
    QCOMPARE(b.test->features[0], 1.0f);
}

void TestDatasetNormalization::standardizeImages()
{
    QTemporaryDir dir;
    writeImages(dir);
    const DatasetBundle b = loadDataset(imageSpec("standardize"), dir.path().toStdString());
    QCOMPARE(b.normalization.mode, std::string("standardize"));
    QCOMPARE(int(b.normalization.mean.size()), 1); // one channel
    QCOMPARE(int(b.normalization.std.size()), 1);
    const auto [mean, sd] = channelStats(b.train, 0);
    QVERIFY2(std::fabs(mean) < 1e-5, qPrintable(QString::number(mean)));
    QVERIFY2(std::fabs(sd - 1.0) < 1e-4, qPrintable(QString::number(sd)));
    // The test set gets the training statistics, not its own.
    const float expected = (255.0f / 255.0f - b.normalization.mean[0]) / b.normalization.std[0];
    QVERIFY(std::fabs(b.test->features[0] - expected) < 1e-5f);
    QVERIFY(b.test->features[0] > 1.0f);
}

void TestDatasetNormalization::scaleVectors()
{
    DatasetSpec spec;
    spec.name = "xor"; // already within [0, 1]: left as it is
    spec.normalization = "scale";
    DatasetBundle b = loadDataset(spec, "");
    QCOMPARE(b.normalization.scale, 1.0f);
    QCOMPARE(b.train.features, std::vector<float>({0, 0, 0, 1, 1, 0, 1, 1}));

    spec.name = "blobs"; // centres in [-10, 10]: divided by the largest magnitude
    b = loadDataset(spec, "");
    QVERIFY(b.normalization.scale < 1.0f);
    float largest = 0;
    for (float v : b.train.features)
        largest = std::max(largest, std::fabs(v));
    QVERIFY(std::fabs(largest - 1.0f) < 1e-6f);
}

void TestDatasetNormalization::standardizeVectors()
{
    DatasetSpec spec;
    spec.name = "blobs";
    spec.features = 3;
    spec.normalization = "standardize";
    const DatasetBundle b = loadDataset(spec, "");
    // One mean/std per feature.
    QCOMPARE(int(b.normalization.mean.size()), 3);
    QCOMPARE(b.normalization.scale, 1.0f);
    for (int64_t f = 0; f < 3; ++f) {
        const auto [mean, sd] = channelStats(b.train, f);
        QVERIFY2(std::fabs(mean) < 1e-5, qPrintable(QString::number(mean)));
        QVERIFY2(std::fabs(sd - 1.0) < 1e-4, qPrintable(QString::number(sd)));
    }
}

void TestDatasetNormalization::constantFeatureKeepsStdOne()
{
    QTemporaryDir dir;
    writeFile(dir, "c.csv", "a,b,y\n5,1,0\n5,3,1\n5,5,0\n");
    DatasetSpec spec;
    spec.kind = "csv";
    spec.trainCsv = "c.csv";
    spec.normalization = "standardize";
    const DatasetBundle b = loadDataset(spec, dir.path().toStdString());
    QCOMPARE(b.normalization.mean, std::vector<float>({5.0f, 3.0f}));
    QCOMPARE(b.normalization.std[0], 1.0f);
    QVERIFY(std::fabs(b.normalization.std[1] - std::sqrt(8.0f / 3.0f)) < 1e-6f);
    QCOMPARE(b.train.features[0], 0.0f);
    QCOMPARE(b.train.features[2], 0.0f);
}

void TestDatasetNormalization::noneLeavesDataAlone()
{
    QTemporaryDir dir;
    writeImages(dir);
    const DatasetBundle b = loadDataset(imageSpec("none"), dir.path().toStdString());
    QCOMPARE(b.normalization.mode, std::string("none"));
    QCOMPARE(b.train.features[1], 255.0f);
}

void TestDatasetNormalization::unknownMode()
{
    DatasetSpec spec;
    spec.normalization = "minmax";
    const QString message = datasetErrorOf([&] { loadDataset(spec, ""); });
    QVERIFY2(message.contains("Unknown normalization 'minmax'"), qPrintable(message));
}

QTEST_APPLESS_MAIN(TestDatasetNormalization)
#include "test_dataset_normalization.moc"
