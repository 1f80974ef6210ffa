// The CSV loader: malformed tables name the file, the line and the column; valid tables load
// with or without a header, with class names or class numbers.

#include "dataset_test_files.h"

#include "strata/dataset.h"

#include <QtTest>

#include <sys/stat.h>

using namespace strata;
using namespace strata::testdata;

class TestCsvLoader : public QObject
{
    Q_OBJECT

private slots:
    void malformed_data();
    void malformed();
    void headerAndClassNames();
    void noHeaderClassNumbers();
    void labelColumnByNameAndIndex();
    void quotesCrlfBomAndBlankLines();
    void trainAndTestShareClasses();
    void messagesQuoteValuesBriefly();
    void pipesDevicesAndFoldersAreRefused();
};

void TestCsvLoader::malformed_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("labelColumn");
    QTest::addColumn<QString>("fragment");

    QTest::newRow("empty file") << QByteArray() << ""
                                << "is empty";
    QTest::newRow("blank lines only") << QByteArray("\n  \n\r\n") << ""
                                      << "is empty";
    QTest::newRow("ragged row") << QByteArray("a,b,y\n1,2,0\n3,0\n4,5,1\n") << ""
                                << "line 3 has 2 columns but line 1 has 3";
    QTest::newRow("long row") << QByteArray("1,2,0\n3,4,5,1\n") << ""
                              << "line 2 has 4 columns but line 1 has 3";
    QTest::newRow("non-numeric feature") << QByteArray("a,b,y\n1,2,0\n3,x,1\n") << ""
                                         << "line 3, column 2 (b): 'x' is not a number";
    QTest::newRow("non-numeric feature, no header")
        << QByteArray("1,2,cat\n3,4,dog\n5,six,cat\n") << ""
        << "line 3, column 2: 'six'";
    QTest::newRow("empty feature") << QByteArray("1,2,0\n1,,0\n") << ""
                                   << "line 2, column 2: '' is not a number";
    QTest::newRow("nan feature") << QByteArray("1,2,0\nnan,1,0\n") << ""
                                 << "line 2, column 1: 'nan' is not a number";
    QTest::newRow("missing label column name")
        << QByteArray("a,b,y\n1,2,0\n") << "species"
        << "line 1 has no column named 'species' for the labels";
    QTest::newRow("label column index out of range")
        << QByteArray("1,2,0\n") << "3"
        << "label column 3 is out of range: line 1 has 3 columns";
    QTest::newRow("only header") << QByteArray("a,b,label\n") << ""
                                 << "has a header row (line 1) but no data rows";
    QTest::newRow("single column") << QByteArray("1\n2\n") << ""
                                   << "line 1 has 1 column: a table needs at least one feature";
    QTest::newRow("unclosed quote") << QByteArray("a,b,y\n1,\"2,0\n") << ""
                                    << "line 2, column 2: the quote is never closed";
    QTest::newRow("fractional labels") << QByteArray("x,y\n1,0\n2,0.5\n") << ""
                                       << "line 3, column 2 (y): label '0.5' is not a class";
    QTest::newRow("negative label") << QByteArray("1,2\n3,-1\n") << ""
                                    << "line 2, column 2: label '-1' is not a class";
    QTest::newRow("empty label") << QByteArray("1,cat\n3,\n") << ""
                                 << "line 2, column 2: the label is empty";
    QTest::newRow("a class for every row") <<
        [] {
            QByteArray table = "x,name\n";
            for (int i = 0; i < 100001; ++i)
                table += "1,id" + QByteArray::number(i) + "\n";
            return table;
        }() << ""
                                           << "column 2 (name) holds 100001 different labels";
    QTest::newRow("line numbers count blank lines")
        << QByteArray("a,b,y\n\n1,2,0\n\n\n1,zz,0\n") << ""
        << "line 6, column 2 (b)";
}

void TestCsvLoader::malformed()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, labelColumn);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    const std::string path = writeFile(dir, "table.csv", content);
    const QString message = datasetErrorOf([&] { loadCsv(path, labelColumn.toStdString()); });
    QVERIFY2(!message.isEmpty(), "loadCsv accepted a malformed table");
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

void TestCsvLoader::headerAndClassNames()
{
    QTemporaryDir dir;
    const std::string path = writeFile(dir, "iris.csv",
                                       "sepal_length,sepal_width,species\n"
                                       "5.1,3.5,setosa\n"
                                       "7.0,3.2,versicolor\n"
                                       "6.3,3.3,virginica\n"
                                       "4.9,-3e-1,setosa\n");
    const Dataset data = loadCsv(path, "");
    QCOMPARE(data.name, std::string("iris"));
    QCOMPARE(data.size(), 4);
    QCOMPARE(data.sampleShape, Shape({2}));
    QCOMPARE(data.features, std::vector<float>({5.1f, 3.5f, 7.0f, 3.2f, 6.3f, 3.3f, 4.9f, -0.3f}));
    // Class names are numbered in sorted order.
    QCOMPARE(data.classNames, std::vector<std::string>({"setosa", "versicolor", "virginica"}));
    QCOMPARE(data.labels, std::vector<int32_t>({0, 1, 2, 0}));

    // Sorted, not by first appearance: the same classes in another order get the same numbers.
    const Dataset shuffled = loadCsv(writeFile(dir, "b.csv", "x,c\n1,zebra\n2,ant\n3,moose\n"), "");
    QCOMPARE(shuffled.classNames, std::vector<std::string>({"ant", "moose", "zebra"}));
    QCOMPARE(shuffled.labels, std::vector<int32_t>({2, 0, 1}));
}

void TestCsvLoader::noHeaderClassNumbers()
{
    QTemporaryDir dir;
    const Dataset data = loadCsv(writeFile(dir, "n.csv", "0.5,1,2\n-1,+2.5,0\n3,4,4.0\n"), "");
    QCOMPARE(data.size(), 3);
    QCOMPARE(data.sampleShape, Shape({2}));
    QCOMPARE(data.features, std::vector<float>({0.5f, 1, -1, 2.5f, 3, 4}));
    QCOMPARE(data.labels, std::vector<int32_t>({2, 0, 4}));
    QCOMPARE(data.classCount(), 5); // the largest class number + 1
    QCOMPARE(data.classNames[4], std::string("4"));
}

void TestCsvLoader::labelColumnByNameAndIndex()
{
    QTemporaryDir dir;
    const std::string path = writeFile(dir, "t.csv", "f1,kind,f2\n1,b,2\n3,a,4\n");
    const Dataset byName = loadCsv(path, "kind");
    QCOMPARE(byName.sampleShape, Shape({2}));
    QCOMPARE(byName.features, std::vector<float>({1, 2, 3, 4}));
    QCOMPARE(byName.labels, std::vector<int32_t>({1, 0}));

    const Dataset byIndex = loadCsv(path, "1");
    QCOMPARE(byIndex.features, byName.features);
    QCOMPARE(byIndex.labels, byName.labels);

    // The label column first, no header, class numbers.
    const Dataset first = loadCsv(writeFile(dir, "u.csv", "1,10,20\n0,30,40\n"), "0");
    QCOMPARE(first.features, std::vector<float>({10, 20, 30, 40}));
    QCOMPARE(first.labels, std::vector<int32_t>({1, 0}));
}

void TestCsvLoader::quotesCrlfBomAndBlankLines()
{
    QTemporaryDir dir;
    const std::string path = writeFile(dir, "q.csv",
                                       "\xEF\xBB\xBF\"width\", \"height\" ,\"label\"\r\n"
                                       "\r\n"
                                       "1, 2 ,\"big, red\"\r\n"
                                       "\"3\",4,\"say \"\"hi\"\"\"\r\n"
                                       "\n");
    const Dataset data = loadCsv(path, "label");
    QCOMPARE(data.size(), 2);
    QCOMPARE(data.features, std::vector<float>({1, 2, 3, 4}));
    QCOMPARE(data.classNames, std::vector<std::string>({"big, red", "say \"hi\""}));
    QCOMPARE(data.labels, std::vector<int32_t>({0, 1}));
}

void TestCsvLoader::trainAndTestShareClasses()
{
    QTemporaryDir dir;
    writeFile(dir, "train.csv", "x,y\n1,cat\n2,dog\n3,eel\n");
    writeFile(dir, "test.csv", "x,y\n4,eel\n5,cat\n");
    DatasetSpec spec;
    spec.kind = "csv";
    spec.trainCsv = "train.csv";
    spec.testCsv = "test.csv";
    const DatasetBundle bundle = loadDataset(spec, dir.path().toStdString());
    QVERIFY(bundle.test.has_value());
    QCOMPARE(bundle.test->classNames, bundle.train.classNames);
    // The test file alone would number eel 1; it must be the training file's 2.
    QCOMPARE(bundle.test->labels, std::vector<int32_t>({2, 0}));

    writeFile(dir, "unknown.csv", "x,y\n4,fox\n");
    spec.testCsv = "unknown.csv";
    const QString message = datasetErrorOf([&] { loadDataset(spec, dir.path().toStdString()); });
    QVERIFY2(message.contains(dir.filePath("unknown.csv")), qPrintable(message));
    QVERIFY2(message.contains("class 'fox' does not appear in the training file"),
             qPrintable(message));

    // Class numbers simply extend to the test file's largest.
    writeFile(dir, "ntrain.csv", "1,0\n2,1\n");
    writeFile(dir, "ntest.csv", "1,3\n");
    spec.trainCsv = "ntrain.csv";
    spec.testCsv = "ntest.csv";
    const DatasetBundle numbers = loadDataset(spec, dir.path().toStdString());
    QCOMPARE(numbers.train.classCount(), 4);
    QCOMPARE(numbers.test->labels, std::vector<int32_t>({3}));
}

void TestCsvLoader::messagesQuoteValuesBriefly()
{
    // A 1 MB cell, a 1 MB header name and a 1 MB label column name: each message quotes a
    // short prefix, never the value.
    QTemporaryDir dir;
    const QByteArray huge(1 << 20, 'x');
    const struct
    {
        QByteArray content;
        QString labelColumn;
        QString fragment;
    } cases[] = {
        {"a,b,y\n1,2,0\n3," + huge + ",1\n", "", "line 3, column 2 (b): 'xxxxxxxx"},
        {"a," + huge + ",y\n1,zz,0\n", "", "line 2, column 2 (xxxx"},
        {"a,b,y\n1,2,0\n", QString(huge), "has no column named 'xxxx"},
        {"1,2\n3,0." + QByteArray(1 << 20, '1') + "\n", "", "label '0.1111"},
    };
    for (const auto &c : cases) {
        const std::string path = writeFile(dir, "big.csv", c.content);
        const QString message = datasetErrorOf([&] { loadCsv(path, c.labelColumn.toStdString()); });
        QVERIFY2(message.contains(c.fragment), qPrintable(message.left(300)));
        QVERIFY2(message.size() < 600, qPrintable(message.left(300)));
    }
}

void TestCsvLoader::pipesDevicesAndFoldersAreRefused()
{
    // Opening a named pipe would wait for a writer forever; /dev/zero never ends.
    QTemporaryDir dir;
    const QString fifo = dir.filePath("pipe.csv");
    QVERIFY(::mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0);
    const struct
    {
        QString path;
        QString fragment;
    } cases[] = {
        {fifo, "is not a regular file (a named pipe)"},
        {"/dev/zero", "is not a regular file (a device or socket)"},
        {dir.path(), "is not a regular file (a folder)"},
    };
    for (const auto &c : cases) {
        const QString message = datasetErrorOf([&] { loadCsv(c.path.toStdString(), ""); });
        QVERIFY2(message.startsWith(c.path + ": " + c.fragment), qPrintable(message));
    }
}

QTEST_APPLESS_MAIN(TestCsvLoader)
#include "test_csv_loader.moc"
