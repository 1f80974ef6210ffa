// The image folder loader: a table of malformed folders and files (each message names the
// folder or file and says what to do), skipping bad files with a warning, unreadable files,
// test folders with other classes, the memory check; pictures of mixed sizes and channels
// giving exactly the tensor `strata-cli predict` makes of them; the class order, the
// interleaved sample order, limits, threads and progress. Every file is written by the test.

#include "dataset_test_files.h"

#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/image_input.h"

#include <stb_image_write.h>

#include <QDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::testdata;

namespace {

// A width x height picture of `channels` (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA) whose
// pixels follow from seed.
std::vector<uint8_t> pixels(int width, int height, int channels, int seed)
{
    std::vector<uint8_t> p(size_t(width * height * channels));
    for (size_t i = 0; i < p.size(); ++i)
        p[i] = uint8_t((i * 37 + size_t(seed) * 101 + 11) % 256);
    return p;
}

// Writes a picture under dir (folders made as needed), by the name's extension.
std::string writePicture(const QTemporaryDir &dir, const QString &name, int width = 6,
                         int height = 5, int channels = 3, int seed = 0)
{
    const QString path = dir.filePath(name);
    QDir().mkpath(QFileInfo(path).absolutePath());
    const std::vector<uint8_t> p = pixels(width, height, channels, seed);
    const std::string file = path.toStdString();
    int ok = 0;
    if (name.endsWith(".png", Qt::CaseInsensitive))
        ok = stbi_write_png(file.c_str(), width, height, channels, p.data(), width * channels);
    else if (name.endsWith(".bmp", Qt::CaseInsensitive))
        ok = stbi_write_bmp(file.c_str(), width, height, channels, p.data());
    else
        ok = stbi_write_jpg(file.c_str(), width, height, channels, p.data(), 95);
    if (!ok)
        qFatal("cannot write %s", qPrintable(path));
    return file;
}

void writeText(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(dir.filePath(name)).absolutePath());
    writeFile(dir, name, bytes);
}

// Builds a folder from entries: "cat/a.png" a picture, "dog/" an empty folder,
// "x.png:text" a text file of that name, "x.png:truncated" the first half of a PNG,
// "x.png:empty" an empty file.
void build(const QTemporaryDir &dir, const QStringList &entries)
{
    for (const QString &entry : entries) {
        const QString name = entry.section(':', 0, 0), what = entry.section(':', 1);
        if (name.endsWith('/'))
            QDir().mkpath(dir.filePath(name));
        else if (what == "text")
            writeText(dir, name, "not a picture\n");
        else if (what == "empty")
            writeText(dir, name, {});
        else if (what == "truncated") {
            const std::string full = writePicture(dir, name, 40, 40);
            QFile f(QString::fromStdString(full));
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.resize(f.size() / 2);
        } else
            writePicture(dir, name, 6, 5, 3, int(qHash(name) % 97));
    }
}

ImageFolderOptions options(int height, int width, int channels)
{
    ImageFolderOptions o;
    o.height = height;
    o.width = width;
    o.channels = channels;
    return o;
}

QString loadError(const std::string &folder, const ImageFolderOptions &o)
{
    return datasetErrorOf([&] { loadImageFolder(folder, o); });
}

} // namespace

class TestImageFolder : public QObject
{
    Q_OBJECT

private slots:
    void malformed_data();
    void malformed();
    void skipBadFilesWarnsAndCounts();
    void unreadableFile();
    void testFolderNeedsTheSameClasses();
    void memoryIsCheckedFirst();
    void mixedSizesAndChannels();
    void classOrderAndSampleOrder();
    void threadsDoNotChangeTheResult();
    void progressAndLimit();
    void loadDatasetAndOutline();
};

void TestImageFolder::malformed_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QString>("folder");   // what is loaded, under the temporary folder
    QTest::addColumn<QString>("named");    // what the message names, under the same
    QTest::addColumn<QString>("fragment"); // what it says

    QTest::newRow("missing folder") << QStringList{} << "nowhere"
                                    << "nowhere"
                                    << "no such folder: give the folder that holds one "
                                       "subfolder of pictures per class";
    QTest::newRow("a file, not a folder") << QStringList{"cat.png"} << "cat.png"
                                          << "cat.png"
                                          << "is a file, not a folder";
    QTest::newRow("no class folders")
        << QStringList{"notes.txt:text", ".hidden/"} << ""
        << ""
        << "has no class folders: it needs one subfolder of pictures per class";
    QTest::newRow("pictures but no class folders")
        << QStringList{"a.png", "b.png"} << ""
        << ""
        << "holds pictures but no class folders: put each class's pictures in a subfolder";
    QTest::newRow("one class") << QStringList{"cat/a.png", "cat/b.png"} << ""
                               << ""
                               << "has one class folder ('cat'), but a classifier needs at "
                                  "least two classes";
    QTest::newRow("empty class") << QStringList{"cat/a.png", "dog/"} << ""
                                 << "dog"
                                 << "class 'dog' has no pictures";
    QTest::newRow("class of hidden files only")
        << QStringList{"cat/a.png", "dog/.DS_Store:text", "dog/._a.png:text"} << ""
        << "dog"
        << "class 'dog' has no pictures (.png, .jpg, .jpeg, .bmp or .gif files): add its "
           "pictures, or remove the folder";
    QTest::newRow("text file named .png")
        << QStringList{"cat/a.png", "dog/b.png:text"} << ""
        << "dog/b.png"
        << "is not a PNG, JPEG, BMP or GIF picture (its first bytes say otherwise); convert it "
           "to PNG first (a picture in class folder 'dog'): replace or remove it, or set "
           "skip_bad_files: true";
    QTest::newRow("truncated PNG") << QStringList{"cat/a.png", "dog/b.png:truncated"} << ""
                                   << "dog/b.png"
                                   << "the file may be damaged";
    QTest::newRow("empty PNG") << QStringList{"cat/a.png", "dog/b.png:empty"} << ""
                               << "dog/b.png"
                               << "is empty, not a picture";
    QTest::newRow("stray README") << QStringList{"cat/a.png", "cat/README.txt:text", "dog/b.png"}
                                  << ""
                                  << "cat/README.txt"
                                  << "is not a picture (a class folder holds .png, .jpg, .jpeg, "
                                     ".bmp or .gif files): move it out of the class folder, or "
                                     "set skip_bad_files: true";
    QTest::newRow("stray files counted")
        << QStringList{"cat/a.png", "cat/x.txt:text", "dog/b.png", "dog/y.doc:text"} << ""
        << "cat/x.txt"
        << "(2 files like it)";
    // In sample order the classes alternate: cat/a, dog/a, cat/b, dog/b.
    QTest::newRow("first bad picture in sample order")
        << QStringList{"cat/a.png", "cat/b.png:text", "dog/a.png:text", "dog/b.png"} << ""
        << "dog/a.png"
        << "is not a PNG";
}

void TestImageFolder::malformed()
{
    QFETCH(QStringList, entries);
    QFETCH(QString, folder);
    QFETCH(QString, named);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    build(dir, entries);
    const std::string path =
        folder.isEmpty() ? dir.path().toStdString() : dir.filePath(folder).toStdString();
    const QString message = loadError(path, options(8, 8, 3));
    QVERIFY2(!message.isEmpty(), "a malformed folder loaded");
    const QString who = named.isEmpty() ? dir.path() : dir.filePath(named);
    QVERIFY2(message.startsWith(who + ": ") || message.startsWith(who + "/: "),
             qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

void TestImageFolder::skipBadFilesWarnsAndCounts()
{
    QTemporaryDir dir;
    build(dir, {"cat/a.png", "cat/b.png:text", "cat/c.png", "cat/README.txt:text", "dog/a.png",
                "dog/b.png:truncated", "dog/c.jpg", "dog/.hidden.png:text"});
    ImageFolderOptions o = options(4, 4, 1);
    o.skipBadFiles = true;
    std::vector<std::string> warnings;
    const Dataset data = loadImageFolder(dir.path().toStdString(), o, &warnings);
    QCOMPARE(data.size(), 4);
    QCOMPARE(data.labels, std::vector<int32_t>({0, 1, 0, 1}));
    QCOMPARE(int(warnings.size()), 1);
    const QString w = QString::fromStdString(warnings.front());
    QVERIFY2(w.startsWith(dir.path() +
                          ": skipped 3 files of 7 that are not a picture Strata can "
                          "read; first: " +
                          dir.filePath("cat/b.png") + ": is not a PNG"),
             qPrintable(w));

    // A class whose every file is skipped is still an error.
    QTemporaryDir none;
    build(none, {"cat/a.png", "dog/a.png:text"});
    const QString message = loadError(none.path().toStdString(), o);
    QVERIFY2(message.startsWith(none.filePath("dog") + ": class 'dog' has no picture Strata can "
                                                       "read: every one was skipped"),
             qPrintable(message));
}

void TestImageFolder::unreadableFile()
{
    if (::geteuid() == 0)
        QSKIP("root reads any file: a file without read permission cannot be made here");
    QTemporaryDir dir;
    build(dir, {"cat/a.png", "dog/a.png", "dog/b.png"});
    const std::string locked = dir.filePath("dog/b.png").toStdString();
    QCOMPARE(::chmod(locked.c_str(), 0), 0);
    const QString message = loadError(dir.path().toStdString(), options(4, 4, 3));
    QVERIFY2(message.startsWith(QString::fromStdString(locked) + ": cannot be read"),
             qPrintable(message));
    QVERIFY2(message.contains("skip_bad_files"), qPrintable(message));

    ImageFolderOptions o = options(4, 4, 3);
    o.skipBadFiles = true;
    std::vector<std::string> warnings;
    QCOMPARE(loadImageFolder(dir.path().toStdString(), o, &warnings).size(), 2);
    QCOMPARE(int(warnings.size()), 1);
    ::chmod(locked.c_str(), 0644); // so that QTemporaryDir can remove it
}

void TestImageFolder::testFolderNeedsTheSameClasses()
{
    QTemporaryDir dir;
    build(dir, {"train/cat/a.png", "train/dog/a.png", "missing/cat/a.png", "missing/cow/a.png",
                "extra/cat/a.png", "extra/dog/a.png", "extra/emu/a.png", "same/dog/b.png",
                "same/cat/b.png"});
    DatasetSpec spec;
    spec.kind = "image_folder";
    spec.trainFolder = "train";
    spec.imageHeight = spec.imageWidth = 4;
    spec.testFolder = "missing";
    const std::string base = dir.path().toStdString();
    QString message = datasetErrorOf([&] { loadDataset(spec, base); });
    QVERIFY2(message.startsWith(dir.filePath("missing") +
                                ": has no folder for class 'dog', "
                                "which the training folder " +
                                dir.filePath("train") + " has"),
             qPrintable(message));
    spec.testFolder = "extra";
    message = datasetErrorOf([&] { loadDataset(spec, base); });
    QVERIFY2(message.startsWith(dir.filePath("extra") +
                                ": has a class folder 'emu' that the "
                                "training folder " +
                                dir.filePath("train") + " lacks"),
             qPrintable(message));
    spec.testFolder = "same";
    const DatasetBundle b = loadDataset(spec, base);
    QVERIFY(b.test.has_value());
    QCOMPARE(b.test->classNames, std::vector<std::string>({"cat", "dog"}));
    QCOMPARE(b.test->labels, std::vector<int32_t>({0, 1}));
}

void TestImageFolder::memoryIsCheckedFirst()
{
    QTemporaryDir dir;
    build(dir, {"cat/a.png", "cat/b.png", "dog/a.png", "dog/b.png:text"});
    const QByteArray saved = qgetenv("STRATA_MEMORY_LIMIT");
    qputenv("STRATA_MEMORY_LIMIT", "1M");
    // 4 pictures of 3 x 256 x 256 floats: 3 MB. The bad file is not reached: nothing is
    // decoded before the memory is known to suffice.
    const QString message = loadError(dir.path().toStdString(), options(256, 256, 3));
    if (saved.isNull())
        qunsetenv("STRATA_MEMORY_LIMIT");
    else
        qputenv("STRATA_MEMORY_LIMIT", saved);
    QVERIFY2(message.startsWith(dir.path() + ": Keeping 4 pictures of 3×256×256 decoded needs "
                                             "about 3.0 MB of memory, but only 1.0 MB is "
                                             "available; use a smaller image_size, grayscale"),
             qPrintable(message));
}

void TestImageFolder::mixedSizesAndChannels()
{
    QTemporaryDir dir;
    // One class of each: gray, gray + alpha, RGB, RGBA, a BMP and a JPEG, of different sizes.
    const std::vector<std::string> files = {writePicture(dir, "a/gray.png", 10, 7, 1, 1),
                                            writePicture(dir, "b/ga.png", 3, 9, 2, 2),
                                            writePicture(dir, "c/rgb.png", 30, 20, 3, 3),
                                            writePicture(dir, "d/rgba.png", 5, 5, 4, 4),
                                            writePicture(dir, "e/rgb.BMP", 12, 12, 3, 5),
                                            writePicture(dir, "f/photo.jpg", 16, 8, 3, 6)};
    for (int channels : {1, 3}) {
        const Dataset data = loadImageFolder(dir.path().toStdString(), options(8, 6, channels));
        QCOMPARE(data.sampleShape, Shape({channels, 8, 6}));
        QCOMPARE(data.size(), 6);
        QCOMPARE(data.labels, std::vector<int32_t>({0, 1, 2, 3, 4, 5}));
        // Exactly what predict gives for the same file.
        const PictureShape shape{channels, 8, 6, false};
        for (size_t i = 0; i < files.size(); ++i) {
            const std::vector<float> expected = pictureAsInput(readPicture(files[i]), shape);
            const std::vector<float> got(data.sample(int64_t(i)),
                                         data.sample(int64_t(i)) + data.sampleSize());
            QVERIFY2(got == expected, files[i].c_str());
        }
    }
}

void TestImageFolder::classOrderAndSampleOrder()
{
    QTemporaryDir dir;
    build(dir, {"zebra/1.png", "Ant/b.png", "Ant/a.png", "Ant/deeper/c.png", "moose/x.png",
                ".cache/a.png", "loose.png", "LICENSE:text"});
    const Dataset data = loadImageFolder(dir.path().toStdString(), options(4, 4, 3));
    // Sorted by name as torchvision's ImageFolder sorts (byte order: capitals first); hidden
    // folders and files beside the class folders are not classes.
    QCOMPARE(data.classNames, std::vector<std::string>({"Ant", "moose", "zebra"}));
    // Ant's pictures sorted by path (a, b, deeper/c) at 1/6, 3/6, 5/6; moose's and zebra's
    // at 1/2, after Ant's second (ties go to the lower class).
    QCOMPARE(data.labels, std::vector<int32_t>({0, 0, 1, 2, 0}));
    const PictureShape shape{3, 4, 4, false};
    const auto sampleIs = [&](int64_t i, const char *file) {
        return std::vector<float>(data.sample(i), data.sample(i) + data.sampleSize()) ==
               pictureAsInput(readPicture(dir.filePath(file).toStdString()), shape);
    };
    QVERIFY(sampleIs(0, "Ant/a.png"));
    QVERIFY(sampleIs(1, "Ant/b.png"));
    QVERIFY(sampleIs(2, "moose/x.png"));
    QVERIFY(sampleIs(3, "zebra/1.png"));
    QVERIFY(sampleIs(4, "Ant/deeper/c.png"));
    QCOMPARE(data.name, dir.path().section('/', -1).toStdString());
}

void TestImageFolder::threadsDoNotChangeTheResult()
{
    QTemporaryDir dir;
    QStringList entries;
    for (int i = 0; i < 45; ++i)
        entries << QStringLiteral("c%1/%2.png").arg(i % 3).arg(i, 3, 10, QLatin1Char('0'));
    // Each class then holds 16 files; c2/000a.png is its class's first (third in the set),
    // the other two come last.
    entries << "c2/000a.png:text"
            << "c1/050.png:truncated"
            << "c0/zz.png:text";
    build(dir, entries);
    Dataset first;
    std::vector<std::string> firstWarnings;
    QString firstError;
    for (int threads : {1, 2, 4, 7}) {
        ImageFolderOptions o = options(5, 7, 3);
        o.threads = threads;
        // Without skipping, the first bad file in sample order is reported, whatever the
        // threads decoded first.
        const QString error = loadError(dir.path().toStdString(), o);
        QVERIFY2(error.startsWith(dir.filePath("c2/000a.png") + ": is not a PNG"),
                 qPrintable(error));
        o.skipBadFiles = true;
        std::vector<std::string> warnings;
        const Dataset data = loadImageFolder(dir.path().toStdString(), o, &warnings);
        QCOMPARE(data.size(), 45);
        if (threads == 1) {
            first = data;
            firstWarnings = warnings;
            firstError = error;
            continue;
        }
        QCOMPARE(error, firstError);
        QCOMPARE(warnings, firstWarnings);
        QCOMPARE(data.labels, first.labels);
        QVERIFY(data.features == first.features);
    }
}

void TestImageFolder::progressAndLimit()
{
    QTemporaryDir dir;
    QStringList entries;
    for (int i = 0; i < 12; ++i)
        entries << QStringLiteral("%1/%2.png").arg(i < 8 ? "many" : "few").arg(i);
    build(dir, entries);
    ImageFolderOptions o = options(3, 3, 1);
    std::vector<std::pair<int64_t, int64_t>> calls;
    o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
    const Dataset all = loadImageFolder(dir.path().toStdString(), o);
    QCOMPARE(all.size(), 12);
    QVERIFY(!calls.empty());
    QCOMPARE(calls.back(), std::make_pair(int64_t(12), int64_t(12)));
    for (size_t i = 1; i < calls.size(); ++i)
        QVERIFY(calls[i].first >= calls[i - 1].first);
    // "few" (4) and "many" (8) spread through the set: a third of every part is "few", so a
    // limit (or the last part a validation split holds out) has both.
    QCOMPARE(all.labels, std::vector<int32_t>({1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1}));
    // A callback that throws (a load cancelled) stops every thread, and its exception arrives.
    for (int threads : {1, 3}) {
        ImageFolderOptions cancelled = options(3, 3, 1);
        cancelled.threads = threads;
        cancelled.progress = [](int64_t, int64_t) { throw std::runtime_error("cancelled"); };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 loadImageFolder(dir.path().toStdString(), cancelled));
    }
    o.limit = 3;
    const Dataset some = loadImageFolder(dir.path().toStdString(), o);
    QCOMPARE(some.labels, std::vector<int32_t>({1, 0, 1}));
    QVERIFY(std::equal(some.features.begin(), some.features.end(), all.features.begin()));
    // A limit too small for every class leaves a class without samples, as other loaders'
    // limits do: the classes are still the folders. (It was refused, blaming skipped files:
    // "class 'few' has no picture Strata can read: every one was skipped".)
    o.limit = 1;
    const Dataset first = loadImageFolder(dir.path().toStdString(), o);
    QCOMPARE(first.labels, std::vector<int32_t>({1}));
    QCOMPARE(first.classNames, std::vector<std::string>({"few", "many"}));
}

void TestImageFolder::loadDatasetAndOutline()
{
    QTemporaryDir dir;
    build(dir, {"pets/train/cat/a.png", "pets/train/cat/b.png", "pets/train/dog/a.png",
                "pets/train/dog/b.png", "pets/train/dog/c.png:text", "pets/test/cat/c.png",
                "pets/test/dog/d.png"});
    DatasetSpec spec;
    spec.kind = "image_folder";
    spec.trainFolder = "pets/train";
    spec.testFolder = "pets/test";
    spec.color = "grayscale";
    spec.normalization = "scale";
    spec.skipBadFiles = true;
    const std::string base = dir.path().toStdString();

    // No size yet: the outline knows nothing of the shape, loading says what to set.
    QCOMPARE(outlineDataset(spec, base).sampleShape, Shape{});
    QVERIFY(datasetErrorOf([&] {
                loadDataset(spec, base);
            }).contains("needs image_size: set image_size to [height, width]"));

    spec.imageHeight = 12;
    spec.imageWidth = 10;
    const DatasetOutline outline = outlineDataset(spec, base);
    QCOMPARE(outline.sampleShape, Shape({1, 12, 10}));
    QCOMPARE(outline.classes, 2);
    std::vector<std::pair<int64_t, int64_t>> calls;
    const DatasetBundle b = loadDataset(
        spec, base, [&](int64_t done, int64_t total) { calls.emplace_back(done, total); });
    QCOMPARE(b.train.size(), 4);
    QCOMPARE(b.test->size(), 2);
    QCOMPARE(b.train.classNames, std::vector<std::string>({"cat", "dog"}));
    QCOMPARE(b.normalization.mode, std::string("scale"));
    QCOMPARE(b.normalization.scale, 1.0f / 255);
    QCOMPARE(int(b.warnings.size()), 1);
    QVERIFY(!calls.empty());

    // The folders are what the spec reads: missing ones are named, relative paths resolve.
    QCOMPARE(datasetFiles(spec, base),
             std::vector<std::string>({dir.filePath("pets/train").toStdString(),
                                       dir.filePath("pets/test").toStdString()}));
    QVERIFY(missingDatasetFiles(spec, base).empty());
    QCOMPARE(withResolvedPaths(spec, base).testFolder, dir.filePath("pets/test").toStdString());
    spec.trainFolder = "elsewhere";
    QCOMPARE(missingDatasetFiles(spec, base),
             std::vector<std::string>({dir.filePath("elsewhere").toStdString()}));
    // A folder that is not there yet still gives the shape.
    QCOMPARE(outlineDataset(spec, base).sampleShape, Shape({1, 12, 10}));
    QCOMPARE(outlineDataset(spec, base).classes, 0);
}

QTEST_APPLESS_MAIN(TestImageFolder)
#include "test_image_folder.moc"
