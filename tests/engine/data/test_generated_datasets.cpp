// The generated teaching sets: sizes, classes, exact truth tables, determinism per seed.

#include "dataset_test_files.h"

#include "strata/dataset.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace strata;
using namespace strata::testdata;

namespace {

DatasetSpec builtin(const char *name, int64_t samples = 0, double noise = 0.0, uint64_t seed = 1)
{
    DatasetSpec spec;
    spec.kind = "builtin";
    spec.name = name;
    spec.samples = samples;
    spec.noise = noise;
    spec.seed = seed;
    return spec;
}

} // namespace

class TestGeneratedDatasets : public QObject
{
    Q_OBJECT

private slots:
    void sizes_data();
    void sizes();
    void truthTables_data();
    void truthTables();
    void truthTablesRepeatWithNoise();
    void seeds_data();
    void seeds();
    void geometry();
    void dummyIsUniform();
    void blobsClusters();
    void listed();
    void refused_data();
    void refused();
};

void TestGeneratedDatasets::sizes_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("samples");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("features");
    QTest::addColumn<qint64>("expectedSize");
    QTest::addColumn<int>("expectedClasses");
    QTest::addColumn<int>("expectedFeatures");

    QTest::newRow("or") << "or" << qint64(0) << 0 << 0 << qint64(4) << 2 << 2;
    QTest::newRow("and") << "and" << qint64(0) << 0 << 0 << qint64(4) << 2 << 2;
    QTest::newRow("xor 10") << "xor" << qint64(10) << 0 << 0 << qint64(10) << 2 << 2;
    QTest::newRow("spirals") << "spirals" << qint64(0) << 0 << 0 << qint64(400) << 2 << 2;
    QTest::newRow("spirals 3 arms") << "spirals" << qint64(301) << 3 << 0 << qint64(301) << 3 << 2;
    QTest::newRow("circles") << "circles" << qint64(0) << 0 << 0 << qint64(400) << 2 << 2;
    QTest::newRow("circles odd") << "circles" << qint64(51) << 0 << 0 << qint64(51) << 2 << 2;
    QTest::newRow("moons") << "moons" << qint64(0) << 0 << 0 << qint64(400) << 2 << 2;
    QTest::newRow("blobs") << "blobs" << qint64(0) << 0 << 0 << qint64(400) << 3 << 2;
    QTest::newRow("blobs 5 in 4d") << "blobs" << qint64(100) << 5 << 4 << qint64(100) << 5 << 4;
    QTest::newRow("dummy") << "dummy" << qint64(0) << 0 << 0 << qint64(1000) << 10 << 32;
    QTest::newRow("dummy small") << "dummy" << qint64(64) << 3 << 7 << qint64(64) << 3 << 7;
}

void TestGeneratedDatasets::sizes()
{
    QFETCH(QString, name);
    QFETCH(qint64, samples);
    QFETCH(int, classes);
    QFETCH(int, features);
    QFETCH(qint64, expectedSize);
    QFETCH(int, expectedClasses);
    QFETCH(int, expectedFeatures);

    const std::string n = name.toStdString();
    DatasetSpec spec = builtin(n.c_str(), samples, 0.05);
    spec.classes = classes;
    spec.features = features;
    const Dataset data = generateBuiltin(spec);
    QCOMPARE(data.name, n);
    QCOMPARE(data.size(), expectedSize);
    QCOMPARE(data.classCount(), expectedClasses);
    QCOMPARE(data.sampleShape, Shape({expectedFeatures}));
    QCOMPARE(int64_t(data.features.size()), expectedSize * expectedFeatures);
    std::set<int32_t> seen;
    for (int32_t l : data.labels) {
        QVERIFY(l >= 0 && l < expectedClasses);
        seen.insert(l);
    }
    if (name != "dummy") // random labels; the others hold every class
        QCOMPARE(int(seen.size()), expectedClasses);
    for (float v : data.features)
        QVERIFY(std::isfinite(v));
}

void TestGeneratedDatasets::truthTables_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVector<int>>("labels");
    QTest::newRow("or") << "or" << QVector<int>{0, 1, 1, 1};
    QTest::newRow("and") << "and" << QVector<int>{0, 0, 0, 1};
    QTest::newRow("xor") << "xor" << QVector<int>{0, 1, 1, 0};
}

void TestGeneratedDatasets::truthTables()
{
    QFETCH(QString, name);
    QFETCH(QVector<int>, labels);
    const std::string n = name.toStdString();
    const Dataset data = generateBuiltin(builtin(n.c_str()));
    QCOMPARE(data.features, std::vector<float>({0, 0, 0, 1, 1, 0, 1, 1}));
    QCOMPARE(data.labels, std::vector<int32_t>(labels.begin(), labels.end()));
    QCOMPARE(data.classNames, std::vector<std::string>({"0", "1"}));
}

void TestGeneratedDatasets::truthTablesRepeatWithNoise()
{
    const Dataset data = generateBuiltin(builtin("xor", 400, 0.1));
    QCOMPARE(data.size(), 400);
    double maxDeviation = 0;
    double sumSquares = 0;
    for (int64_t i = 0; i < data.size(); ++i) {
        const int row = int(i % 4);
        QCOMPARE(data.labels[size_t(i)], (row / 2) ^ (row % 2));
        const double d0 = data.sample(i)[0] - row / 2;
        const double d1 = data.sample(i)[1] - row % 2;
        maxDeviation = std::max({maxDeviation, std::fabs(d0), std::fabs(d1)});
        sumSquares += d0 * d0 + d1 * d1;
    }
    const double sd = std::sqrt(sumSquares / 800);
    QVERIFY2(sd > 0.08 && sd < 0.12, qPrintable(QString::number(sd)));
    QVERIFY(maxDeviation < 0.6);
}

void TestGeneratedDatasets::seeds_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("noise");
    for (const char *n : {"xor", "spirals", "circles", "moons", "blobs", "dummy"})
        QTest::newRow(n) << n << 0.1;
}

void TestGeneratedDatasets::seeds()
{
    QFETCH(QString, name);
    QFETCH(double, noise);
    const std::string n = name.toStdString();
    const Dataset a = generateBuiltin(builtin(n.c_str(), 64, noise, 42));
    const Dataset b = generateBuiltin(builtin(n.c_str(), 64, noise, 42));
    const Dataset c = generateBuiltin(builtin(n.c_str(), 64, noise, 43));
    QVERIFY(a.features == b.features);
    QVERIFY(a.labels == b.labels);
    QVERIFY(a.features != c.features);
}

void TestGeneratedDatasets::geometry()
{
    // Without noise the points lie exactly on their curves.
    const Dataset circles = generateBuiltin(builtin("circles", 100));
    for (int64_t i = 0; i < circles.size(); ++i) {
        const float *p = circles.sample(i);
        const double r = std::hypot(p[0], p[1]);
        QVERIFY(std::fabs(r - (circles.labels[size_t(i)] == 0 ? 1.0 : 0.5)) < 1e-5);
    }
    const Dataset moons = generateBuiltin(builtin("moons", 100));
    for (int64_t i = 0; i < moons.size(); ++i) {
        const float *p = moons.sample(i);
        // Outer moon: the upper unit half circle; inner: the lower one centred at (1, 0.5).
        const bool inner = moons.labels[size_t(i)] == 1;
        const double r = std::hypot(p[0] - (inner ? 1.0 : 0.0), p[1] - (inner ? 0.5 : 0.0));
        QVERIFY(std::fabs(r - 1.0) < 1e-5);
        QVERIFY(inner ? p[1] <= 0.5f + 1e-6f : p[1] >= -1e-6f);
    }
    const Dataset spirals = generateBuiltin(builtin("spirals"));
    double maxRadius = 0;
    for (int64_t i = 0; i < spirals.size(); ++i)
        maxRadius = std::max(
            maxRadius, std::hypot(double(spirals.sample(i)[0]), double(spirals.sample(i)[1])));
    QVERIFY(std::fabs(maxRadius - 1.0) < 1e-5);
    // Shuffled: the first quarter already holds both classes.
    std::set<int32_t> early(spirals.labels.begin(), spirals.labels.begin() + 100);
    QCOMPARE(int(early.size()), 2);
}

void TestGeneratedDatasets::dummyIsUniform()
{
    const Dataset data = generateBuiltin(builtin("dummy"));
    double sum = 0;
    for (float v : data.features) {
        QVERIFY(v >= 0.0f && v < 1.0f);
        sum += v;
    }
    const double mean = sum / double(data.features.size());
    QVERIFY2(std::fabs(mean - 0.5) < 0.01, qPrintable(QString::number(mean)));
    std::vector<int> counts(10, 0);
    for (int32_t l : data.labels)
        ++counts[size_t(l)];
    for (int c : counts)
        QVERIFY2(c > 60 && c < 140, qPrintable(QString::number(c)));
}

void TestGeneratedDatasets::blobsClusters()
{
    // Each class's points gather around one centre with the requested spread.
    DatasetSpec spec = builtin("blobs", 3000, 0.5);
    const Dataset data = generateBuiltin(spec);
    for (int k = 0; k < 3; ++k) {
        double sx = 0, sy = 0, sxx = 0;
        int n = 0;
        for (int64_t i = 0; i < data.size(); ++i)
            if (data.labels[size_t(i)] == k) {
                sx += data.sample(i)[0];
                sy += data.sample(i)[1];
                sxx += double(data.sample(i)[0]) * data.sample(i)[0];
                ++n;
            }
        QCOMPARE(n, 1000);
        const double mx = sx / n;
        const double sd = std::sqrt(sxx / n - mx * mx);
        QVERIFY(std::fabs(mx) <= 10.5 && std::fabs(sy / n) <= 10.5);
        QVERIFY2(sd > 0.45 && sd < 0.55, qPrintable(QString::number(sd)));
    }
}

void TestGeneratedDatasets::listed()
{
    const auto sets = builtinDatasets();
    QCOMPARE(int(sets.size()), 8);
    for (const auto &[name, description] : sets) {
        QVERIFY(!description.empty());
        QVERIFY(generateBuiltin(builtin(name.c_str())).size() > 0);
    }
}

void TestGeneratedDatasets::refused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("samples");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("features");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("unknown") << "swirls" << qint64(0) << 0 << 0
                             << "Unknown generated set 'swirls': choose one of or, and, xor";
    QTest::newRow("xor classes") << "xor" << qint64(0) << 3 << 0 << "has 2 classes";
    QTest::newRow("moons features") << "moons" << qint64(0) << 0 << 3 << "has 2 features";
    QTest::newRow("negative samples")
        << "spirals" << qint64(-5) << 0 << 0 << "samples must be positive";
    QTest::newRow("control: one dummy sample") << "dummy" << qint64(1) << 0 << 1 << "";
    QTest::newRow("huge") << "dummy" << qint64(100000000) << 0 << 64
                          << "more than a generated set may hold";
    QTest::newRow("negative classes")
        << "blobs" << qint64(0) << -2 << 0 << "classes must be at least 1";
}

void TestGeneratedDatasets::refused()
{
    QFETCH(QString, name);
    QFETCH(qint64, samples);
    QFETCH(int, classes);
    QFETCH(int, features);
    QFETCH(QString, fragment);
    const std::string n = name.toStdString();
    DatasetSpec spec = builtin(n.c_str(), samples);
    spec.classes = classes;
    spec.features = features;
    if (fragment.isEmpty()) { // a control row: valid settings are accepted
        QCOMPARE(generateBuiltin(spec).size(), 1);
        return;
    }
    const QString message = datasetErrorOf([&] { generateBuiltin(spec); });
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

QTEST_APPLESS_MAIN(TestGeneratedDatasets)
#include "test_generated_datasets.moc"
