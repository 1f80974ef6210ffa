// writeFileAtomically: a write lands whole or not at all; a failure leaves the old file and
// no temporary behind, and says which path and why.

#include "io/atomic_file.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace strata;
using internal::writeFileAtomically;

namespace {

std::string readText(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

QStringList entries(const QTemporaryDir &dir)
{
    return QDir(dir.path())
        .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

class TestAtomicFile : public QObject
{
    Q_OBJECT

private slots:
    void writesAndReplaces()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("a.txt").toStdString();
        writeFileAtomically(file, "first");
        QCOMPARE(readText(file), std::string("first"));
        // Larger than the stream's buffer, in pieces of both sizes.
        std::string big(300000, 'x');
        writeFileAtomically(file, [&](std::ostream &out) {
            out << "head;";
            out.write(big.data(), static_cast<std::streamsize>(big.size()));
            out << ";tail";
        });
        QCOMPARE(readText(file), "head;" + big + ";tail");
        QCOMPARE(entries(dir), QStringList{"a.txt"});
    }

    void failures_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<QString>("reason");
        QTest::newRow("writer throws midway") << "throw"
                                              << "the writer gave up";
        QTest::newRow("stream marked bad") << "bad"
                                           << "the data could not be written";
        QTest::newRow("target is a folder") << "folder"
                                            << "cannot replace it";
        QTest::newRow("folder missing") << "missing"
                                        << "check that the folder exists";
    }
    void failures()
    {
        QFETCH(QString, how);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        std::string file = dir.filePath("keep.txt").toStdString();
        writeFileAtomically(file, "old contents");
        QStringList before = entries(dir);
        if (how == "folder") {
            QVERIFY(QDir(dir.path()).mkpath("keep.txt.d/inner"));
            file = dir.filePath("keep.txt.d").toStdString();
            before = entries(dir);
        } else if (how == "missing") {
            file = dir.filePath("no/such/folder/keep.txt").toStdString();
        }
        try {
            writeFileAtomically(file, [&](std::ostream &out) {
                out << std::string(100000, 'n');
                if (how == "throw")
                    throw std::runtime_error("the writer gave up");
                if (how == "bad")
                    out.setstate(std::ios::badbit);
            });
            QFAIL("expected an Error");
        } catch (const Error &e) {
            const QString what = e.what();
            QVERIFY2(what.startsWith(QString::fromStdString("Cannot write " + file + ": ")),
                     e.what());
            QVERIFY2(what.contains(reason), e.what());
        }
        QCOMPARE(entries(dir), before);
        QCOMPARE(readText(dir.filePath("keep.txt").toStdString()), std::string("old contents"));
    }

    // A strata::Error from the writer is the user's message already: it passes unchanged.
    void writerErrorPassesThrough()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("k.txt").toStdString();
        try {
            writeFileAtomically(file, [](std::ostream &out) {
                out << "partial";
                throw DatasetError("row 7 is bad");
            });
            QFAIL("expected a DatasetError");
        } catch (const DatasetError &e) {
            QCOMPARE(std::string(e.what()), std::string("row 7 is bad"));
        }
        QVERIFY(entries(dir).isEmpty());
    }

    // Two writers of one file never share a temporary: the result is one of them, whole.
    void concurrentWritersDoNotCollide()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("shared.txt").toStdString();
        const std::string a(200000, 'a'), b(200000, 'b');
        std::thread first([&] {
            for (int i = 0; i < 20; ++i)
                writeFileAtomically(file, a);
        });
        std::thread second([&] {
            for (int i = 0; i < 20; ++i)
                writeFileAtomically(file, b);
        });
        first.join();
        second.join();
        const std::string text = readText(file);
        QVERIFY(text == a || text == b);
        QCOMPARE(entries(dir), QStringList{"shared.txt"});
    }
};

QTEST_APPLESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
