// The files a dataset spec reads, and which of them are missing (the examples gallery says
// which examples need data and where to put it).

#include "strata/dataset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace strata;

class TestDatasetFiles : public QObject
{
    Q_OBJECT

private slots:
    void generatedSetsReadNoFiles();
    void relativePathsStartFromTheBaseFolder();
    void missingFilesAreListed();
};

void TestDatasetFiles::generatedSetsReadNoFiles()
{
    DatasetSpec spec; // builtin xor
    QVERIFY(datasetFiles(spec, "/somewhere").empty());
    QVERIFY(missingDatasetFiles(spec, "/somewhere").empty());
}

void TestDatasetFiles::relativePathsStartFromTheBaseFolder()
{
    DatasetSpec spec;
    spec.kind = "cifar10";
    spec.trainFiles = {"data/a.bin", "/abs/b.bin"};
    spec.testFile = "data/test.bin";
    const std::vector<std::string> files = datasetFiles(spec, "/base");
    const std::vector<std::string> expected = {"/base/data/a.bin", "/abs/b.bin",
                                               "/base/data/test.bin"};
    QVERIFY(files == expected);
}

void TestDatasetFiles::missingFilesAreListed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string base = dir.path().toStdString();
    std::ofstream(base + "/train.csv") << "x,y\n1,0\n";
    DatasetSpec spec;
    spec.kind = "csv";
    spec.trainCsv = "train.csv";
    spec.testCsv = "test.csv";
    const std::vector<std::string> missing = missingDatasetFiles(spec, base);
    QCOMPARE(int(missing.size()), 1);
    QCOMPARE(QString::fromStdString(missing[0]), dir.path() + "/test.csv");
}

QTEST_APPLESS_MAIN(TestDatasetFiles)
#include "test_dataset_files.moc"
