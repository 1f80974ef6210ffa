// The real Fashion-MNIST files from the Debian package dataset-fashion-mnist, when installed.

#include "strata/dataset.h"

#include <QFileInfo>
#include <QtTest>

#include <algorithm>

using namespace strata;

namespace {

const QString kDir = QStringLiteral("/usr/share/datasets/fashion-mnist");

} // namespace

class TestFashionMnist : public QObject
{
    Q_OBJECT

private slots:
    void testSet();
};

void TestFashionMnist::testSet()
{
    if (!QFileInfo::exists(kDir + "/train-images-idx3-ubyte.gz") ||
        !QFileInfo::exists(kDir + "/t10k-images-idx3-ubyte.gz"))
        QSKIP("Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist "
              "(apt install dataset-fashion-mnist)");

    DatasetSpec spec;
    spec.kind = "idx";
    // Only the test set is loaded (as the training set) to keep the test quick; the paths are
    // relative to the package folder, as a project's would be to its own.
    spec.trainImages = "t10k-images-idx3-ubyte.gz";
    spec.trainLabels = "t10k-labels-idx1-ubyte.gz";
    spec.normalization = "scale";
    const DatasetBundle b = loadDataset(spec, kDir.toStdString());

    QCOMPARE(b.train.size(), 10000);
    QCOMPARE(b.train.sampleShape, Shape({1, 28, 28}));
    QCOMPARE(int64_t(b.train.features.size()), 10000 * 28 * 28);
    QCOMPARE(b.train.classCount(), 10);
    QCOMPARE(b.train.classNames.front(), std::string("T-shirt/top"));
    QCOMPARE(b.train.classNames.back(), std::string("Ankle boot"));
    std::vector<int> counts(10, 0);
    for (int32_t l : b.train.labels) {
        QVERIFY(l >= 0 && l < 10);
        ++counts[size_t(l)];
    }
    // The test set is balanced: 1000 of each class.
    for (int c : counts)
        QCOMPARE(c, 1000);
    const auto [lo, hi] = std::minmax_element(b.train.features.begin(), b.train.features.end());
    QCOMPARE(*lo, 0.0f);
    QCOMPARE(*hi, 1.0f);
}

QTEST_APPLESS_MAIN(TestFashionMnist)
#include "test_fashion_mnist.moc"
