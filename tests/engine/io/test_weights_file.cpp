// Weights files: a round trip keeps tensors, class names and normalisation; weights that hold
// NaN or infinity, or whose metadata is damaged, are refused with the file and the tensor or
// key named.

#include "strata/errors.h"
#include "strata/safetensors.h"
#include "strata/weights_file.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace strata;

namespace {

WeightsFile sample()
{
    WeightsFile w;
    w.weights.emplace_back("fc1.weight", Tensor::fromVector({2, 2}, {1, 2, 3, 4}));
    w.weights.emplace_back("fc1.bias", Tensor::fromVector({2}, {0.5f, -0.5f}));
    w.classNames = {"cat", "dog"};
    w.normalization.mode = "scale";
    w.normalization.scale = 1.0f / 255;
    return w;
}

QString errorOf(const std::string &path)
{
    try {
        loadWeights(path);
    } catch (const Error &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestWeightsFile : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTrip()
    {
        const std::string path = dir_.filePath("w.safetensors").toStdString();
        saveWeights(path, sample());
        WeightsFile back = loadWeights(path);
        QCOMPARE(back.weights.size(), size_t(2));
        QCOMPARE(back.classNames, std::vector<std::string>({"cat", "dog"}));
        QCOMPARE(back.normalization.mode, std::string("scale"));
        QCOMPARE(back.normalization.scale, 1.0f / 255);
    }

    void nonFiniteWeightsAreRefused_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<QString>("what");
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN() << "holds NaN";
        QTest::newRow("+inf") << std::numeric_limits<float>::infinity()
                              << "holds an infinite value";
        QTest::newRow("-inf") << -std::numeric_limits<float>::infinity()
                              << "holds an infinite value";
    }
    void nonFiniteWeightsAreRefused()
    {
        QFETCH(float, value);
        QFETCH(QString, what);
        WeightsFile w = sample();
        w.weights[1].second.data()[1] = value;
        const std::string path = dir_.filePath("bad.safetensors").toStdString();
        saveWeights(path, w);
        const QString message = errorOf(path);
        QVERIFY2(message.startsWith(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains("'fc1.bias' " + what + " (element 1)"), qPrintable(message));
        QVERIFY2(message.contains("earlier checkpoint"), qPrintable(message));
    }

    void damagedMetadataIsRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("classes not JSON") << "strata_classes"
                                          << "[\"a\","
                                          << "not valid JSON";
        QTest::newRow("classes not strings") << "strata_classes"
                                             << "[1, 2]"
                                             << "damaged";
        QTest::newRow("duplicate key") << "strata_normalization"
                                       << R"({"mode": "scale", "mode": "none"})"
                                       << "'mode' appears twice";
        QTest::newRow("deep nesting")
            << "strata_classes" << QString(100000, '[') << "deeper than 200";
    }
    void damagedMetadataIsRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, fragment);
        const std::string path = dir_.filePath("meta.safetensors").toStdString();
        writeSafetensors(path, sample().weights, {{key.toStdString(), value.toStdString()}});
        const QString message = errorOf(path);
        QVERIFY2(message.startsWith(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message.left(500)));
        QVERIFY2(message.size() < 1000, "the message quotes the damaged value briefly");
    }
};

QTEST_GUILESS_MAIN(TestWeightsFile)
#include "test_weights_file.moc"
