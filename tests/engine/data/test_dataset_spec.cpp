// DatasetSpec <-> JSON: round trips for every kind, defaults, and errors that point at the
// offending key.

#include "strata/dataset.h"
#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace strata;
using json = nlohmann::json;

class TestDatasetSpec : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void builtinRoundTrip();
    void idxRoundTrip();
    void cifarRoundTrip();
    void csvRoundTrip();
    void imageFolderRoundTrip();
    void labelColumnAsIndex();
    void unknownKeysRefused();
    void errors_data();
    void errors();
};

namespace {

void compareSpecs(const DatasetSpec &a, const DatasetSpec &b)
{
    QCOMPARE(a.kind, b.kind);
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.samples, b.samples);
    QCOMPARE(a.noise, b.noise);
    QCOMPARE(a.classes, b.classes);
    QCOMPARE(a.features, b.features);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.trainImages, b.trainImages);
    QCOMPARE(a.trainLabels, b.trainLabels);
    QCOMPARE(a.testImages, b.testImages);
    QCOMPARE(a.testLabels, b.testLabels);
    QCOMPARE(a.trainFiles, b.trainFiles);
    QCOMPARE(a.testFile, b.testFile);
    QCOMPARE(a.classNamesFile, b.classNamesFile);
    QCOMPARE(a.trainCsv, b.trainCsv);
    QCOMPARE(a.testCsv, b.testCsv);
    QCOMPARE(a.labelColumn, b.labelColumn);
    QCOMPARE(a.trainFolder, b.trainFolder);
    QCOMPARE(a.testFolder, b.testFolder);
    QCOMPARE(a.imageHeight, b.imageHeight);
    QCOMPARE(a.imageWidth, b.imageWidth);
    QCOMPARE(a.color, b.color);
    QCOMPARE(a.skipBadFiles, b.skipBadFiles);
    QCOMPARE(a.limit, b.limit);
    QCOMPARE(a.testLimit, b.testLimit);
    QCOMPARE(a.normalization, b.normalization);
    QCOMPARE(a.classNames, b.classNames);
}

} // namespace

void TestDatasetSpec::defaults()
{
    const DatasetSpec spec = datasetSpecFromJson(json::object(), "/dataset");
    compareSpecs(spec, DatasetSpec{});
    // The defaults write only what matters.
    QCOMPARE(toJson(DatasetSpec{}),
             json::parse(R"({"kind":"builtin","name":"xor","seed":1,"normalization":"none"})"));
}

void TestDatasetSpec::builtinRoundTrip()
{
    DatasetSpec spec;
    spec.name = "blobs";
    spec.samples = 300;
    spec.noise = 0.25;
    spec.classes = 4;
    spec.features = 3;
    spec.seed = 18446744073709551557ull; // the seed is a full 64-bit value
    spec.limit = 100;
    spec.normalization = "standardize";
    spec.classNames = {"a", "b", "c", "d"};
    const json j = toJson(spec);
    QCOMPARE(j.at("name"), json("blobs"));
    QCOMPARE(j.at("noise"), json(0.25));
    QCOMPARE(j.at("class_names").size(), size_t(4));
    QVERIFY(!j.contains("train_csv"));
    compareSpecs(datasetSpecFromJson(json::parse(j.dump()), "/dataset"), spec);
}

void TestDatasetSpec::idxRoundTrip()
{
    DatasetSpec spec;
    spec.kind = "idx";
    spec.trainImages = "data/train-images-idx3-ubyte.gz";
    spec.trainLabels = "data/train-labels-idx1-ubyte.gz";
    spec.testImages = "data/t10k-images-idx3-ubyte.gz";
    spec.testLabels = "data/t10k-labels-idx1-ubyte.gz";
    spec.testLimit = 500;
    spec.normalization = "scale";
    const json j = toJson(spec);
    QCOMPARE(j.at("train_images"), json(spec.trainImages));
    QCOMPARE(j.at("test_limit"), json(500));
    // Fields of other kinds stay out of the file.
    QVERIFY(!j.contains("name"));
    QVERIFY(!j.contains("seed"));
    QVERIFY(!j.contains("train_files"));
    DatasetSpec expected = spec;
    expected.name = DatasetSpec{}.name;
    compareSpecs(datasetSpecFromJson(j, "/dataset"), expected);
}

void TestDatasetSpec::cifarRoundTrip()
{
    DatasetSpec spec;
    spec.kind = "cifar10";
    spec.trainFiles = {"cifar/data_batch_1.bin", "cifar/data_batch_2.bin"};
    spec.testFile = "cifar/test_batch.bin";
    spec.classNamesFile = "cifar/batches.meta.txt";
    const json j = toJson(spec);
    QCOMPARE(j.at("train_files").size(), size_t(2));
    QCOMPARE(j.at("class_names_file"), json("cifar/batches.meta.txt"));
    compareSpecs(datasetSpecFromJson(j, "/dataset"), spec);
}

void TestDatasetSpec::csvRoundTrip()
{
    DatasetSpec spec;
    spec.kind = "csv";
    spec.trainCsv = "iris.csv";
    spec.labelColumn = "species";
    const json j = toJson(spec);
    QCOMPARE(j.at("train_csv"), json("iris.csv"));
    QCOMPARE(j.at("label_column"), json("species"));
    QVERIFY(!j.contains("test_csv"));
    compareSpecs(datasetSpecFromJson(j, "/dataset"), spec);
}

void TestDatasetSpec::imageFolderRoundTrip()
{
    DatasetSpec spec;
    spec.kind = "image_folder";
    spec.trainFolder = "pets/train";
    spec.testFolder = "pets/test";
    spec.imageHeight = 48;
    spec.imageWidth = 64;
    spec.color = "grayscale";
    spec.skipBadFiles = true;
    spec.normalization = "scale";
    const json j = toJson(spec);
    QCOMPARE(j.at("train_folder"), json("pets/train"));
    QCOMPARE(j.at("image_size"), json::parse("[48, 64]"));
    QCOMPARE(j.at("color"), json("grayscale"));
    QCOMPARE(j.at("skip_bad_files"), json(true));
    QVERIFY(!j.contains("train_csv"));
    DatasetSpec expected = spec;
    expected.name = DatasetSpec{}.name;
    compareSpecs(datasetSpecFromJson(j, "/dataset"), expected);

    // The defaults: colour pictures, bad files refused; no size until one is chosen (loading
    // asks for it).
    const DatasetSpec plain =
        datasetSpecFromJson(json::parse(R"({"kind":"image_folder","train_folder":"t"})"), "/d");
    QCOMPARE(plain.color, std::string("rgb"));
    QCOMPARE(plain.skipBadFiles, false);
    QCOMPARE(plain.imageHeight, 0);
    QVERIFY(!toJson(plain).contains("image_size"));
    QVERIFY(!toJson(plain).contains("skip_bad_files"));
}

void TestDatasetSpec::labelColumnAsIndex()
{
    const DatasetSpec spec =
        datasetSpecFromJson(json::parse(R"({"kind":"csv","label_column":4})"), "/dataset");
    QCOMPARE(spec.labelColumn, std::string("4"));
}

// A misspelt or unknown key would otherwise be silently ignored: it is refused, like the
// training settings' (the project's format_version, not extra keys, marks newer files).
void TestDatasetSpec::unknownKeysRefused()
{
    try {
        datasetSpecFromJson(
            json::parse(R"({"kind":"builtin","name":"moons","comment":"from a newer version"})"),
            "/dataset");
        QFAIL("expected a ProjectError");
    } catch (const ProjectError &e) {
        QCOMPARE(e.jsonPath(), std::string("/dataset/comment"));
        QVERIFY2(std::string(e.what()).find("unknown setting; expected one of kind, name") !=
                     std::string::npos,
                 e.what());
    }
}

void TestDatasetSpec::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("not an object") << "[1]"
                                   << "/dataset"
                                   << "expected an object but found array";
    QTest::newRow("unknown kind")
        << R"({"kind":"hdf5"})"
        << "/dataset/kind"
        << R"(expected one of builtin, idx, cifar10, csv, image_folder but found )"
           R"(string "hdf5")";
    QTest::newRow("kind not a string") << R"({"kind":3})"
                                       << "/dataset/kind"
                                       << "expected a string but found number 3";
    QTest::newRow("unknown builtin") << R"({"name":"swirls"})"
                                     << "/dataset/name"
                                     << "expected one of or, and, xor";
    QTest::newRow("unknown normalization")
        << R"({"normalization":"minmax"})"
        << "/dataset/normalization"
        << R"(expected one of none, scale, standardize but found string "minmax")";
    QTest::newRow("samples as text") << R"({"samples":"400"})"
                                     << "/dataset/samples"
                                     << R"(expected an integer from 0 to )";
    QTest::newRow("samples negative") << R"({"samples":-1})"
                                      << "/dataset/samples"
                                      << "but found number -1";
    QTest::newRow("classes fractional") << R"({"classes":2.5})"
                                        << "/dataset/classes"
                                        << "but found number 2.5";
    QTest::newRow("classes too big") << R"({"classes":3000000000})"
                                     << "/dataset/classes"
                                     << "an integer from 0 to 2147483647";
    QTest::newRow("seed negative") << R"({"seed":-7})"
                                   << "/dataset/seed"
                                   << "but found number -7";
    QTest::newRow("noise as text") << R"({"noise":"a lot"})"
                                   << "/dataset/noise"
                                   << "expected a number >= 0 but found string \"a lot\"";
    QTest::newRow("train_files not array") << R"({"kind":"cifar10","train_files":"a.bin"})"
                                           << "/dataset/train_files"
                                           << "expected an array of strings but found string";
    QTest::newRow("train_files element") << R"({"kind":"cifar10","train_files":["a",7]})"
                                         << "/dataset/train_files/1"
                                         << "expected a string but found number 7";
    QTest::newRow("label_column object") << R"({"kind":"csv","label_column":{}})"
                                         << "/dataset/label_column"
                                         << "expected a column name or a 0-based column index";
    QTest::newRow("class_names null") << R"({"class_names":null})"
                                      << "/dataset/class_names"
                                      << "expected an array of strings but found null";
    QTest::newRow("image_size one number") << R"({"kind":"image_folder","image_size":64})"
                                           << "/dataset/image_size"
                                           << "expected [height, width], two whole numbers "
                                              "from 1 to 4096 but found number 64";
    QTest::newRow("image_size three numbers") << R"({"image_size":[1,2,3]})"
                                              << "/dataset/image_size"
                                              << "but found array";
    QTest::newRow("image_size zero") << R"({"image_size":[0,32]})"
                                     << "/dataset/image_size"
                                     << "from 1 to 4096";
    QTest::newRow("image_size too large") << R"({"image_size":[32,4097]})"
                                          << "/dataset/image_size"
                                          << "from 1 to 4096";
    QTest::newRow("image_size fractional") << R"({"image_size":[32.5,32]})"
                                           << "/dataset/image_size"
                                           << "two whole numbers";
    QTest::newRow("unknown color") << R"({"color":"cmyk"})"
                                   << "/dataset/color"
                                   << R"(expected one of rgb, grayscale but found string "cmyk")";
    QTest::newRow("skip_bad_files as text") << R"({"skip_bad_files":"yes"})"
                                            << "/dataset/skip_bad_files"
                                            << "expected true or false";
    QTest::newRow("limit as bool") << R"({"limit":true})"
                                   << "/dataset/limit"
                                   << "but found boolean true";
}

void TestDatasetSpec::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, path);
    QFETCH(QString, fragment);
    const json j = json::parse(text.toStdString());
    try {
        datasetSpecFromJson(j, "/dataset");
        QFAIL("the spec was accepted");
    } catch (const ProjectError &e) {
        QCOMPARE(QString::fromStdString(e.jsonPath()), path);
        QVERIFY(e.file().empty());
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
    }
}

QTEST_APPLESS_MAIN(TestDatasetSpec)
#include "test_dataset_spec.moc"
