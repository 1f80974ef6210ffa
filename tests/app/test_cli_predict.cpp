// strata-cli predict on pictures: a Fashion-MNIST test image written as a PNG gets the
// probabilities the engine gives the same sample from the IDX test set; several pictures, a
// folder of them (in name order, other files skipped), JSON output; and a table of bad
// inputs, each with a message naming the file and a non-zero exit code.

#include "cli_process.h"
#include "example_variant.h"

#include "strata/backend.h"
#include "strata/dataset.h"
#include "strata/evaluation.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/training_spec.h"
#include "strata/weights_file.h"

#include <QtTest>

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace {

const QString kFashion = "/usr/share/datasets/fashion-mnist/";

// A dark picture of w x h pixels in the format, with distinct values (values of 0 to 3, so
// that the small model's probabilities are not all 0 or 1).
QImage pattern(int w, int h, QImage::Format format)
{
    QImage image(w, h, format);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixelColor(x, y, QColor((x + y) % 4, (y * 3) % 4, (x * y) % 4, 128 + x));
    return image;
}

} // namespace

class TestCliPredict : public QObject
{
    Q_OBJECT

private:
    using Result = strata::test::CliResult;

    QString file(const QString &name) const { return dir.filePath(name); }
    Result run(const QStringList &args) { return strata::test::runCli(args); }
    void write(const QString &name, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(file(name)).path());
        QFile f(file(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    // predict on the small picture model (freshly initialised weights, three named classes).
    Result predict(const QStringList &inputs, const QStringList &more = {})
    {
        return run(QStringList{"predict", file("pictures.strata"), "--weights",
                               file("pictures.safetensors"), "--input"} +
                   inputs + more);
    }
    // The answers of a --json run, in order.
    static QJsonArray answers(const Result &r)
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isArray())
            qWarning("not a JSON array: %s", qPrintable(r.out.left(500)));
        return doc.array();
    }

    // The largest difference between two lists of numbers of the same length (infinite when
    // their lengths differ).
    static double largestDifference(const QJsonArray &a, const QJsonArray &b)
    {
        if (a.size() != b.size() || a.isEmpty())
            return INFINITY;
        double worst = 0;
        for (qsizetype i = 0; i < a.size(); ++i)
            worst = std::max(worst, std::fabs(a[i].toDouble() - b[i].toDouble()));
        return worst;
    }

    QTemporaryDir dir;

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        // A 4x4 gray picture model: 16 features, as an MLP on MNIST takes 784.
        write("pictures.strata", R"({"format_version": 1, "model": {"nodes": [
            {"id": "x", "type": "Input", "params": {"features": 16}},
            {"id": "out", "type": "Dense", "params": {"units": 3}},
            {"id": "p", "type": "Softmax", "params": {}}],
            "edges": [{"from": "x.out", "to": "out.in"}, {"from": "out.out", "to": "p.in"}]},
            "dataset": {"kind": "builtin", "name": "dummy", "features": 16, "classes": 3,
                        "class_names": ["cat", "dog", "bird"]},
            "training": {"loss": "cross_entropy", "seed": 3}})");
        Result e = run({"export", file("pictures.strata"), "--format", "safetensors", "--out",
                        file("pictures.safetensors")});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        // A folder of pictures in several formats and sizes, with a file and a folder that
        // are not pictures.
        QVERIFY(QDir().mkpath(file("folder/sub")));
        QVERIFY(pattern(8, 8, QImage::Format_Grayscale8).save(file("folder/a.png")));
        QVERIFY(pattern(5, 3, QImage::Format_RGB888).save(file("folder/b.bmp")));
        QVERIFY(pattern(6, 9, QImage::Format_RGBA8888).save(file("folder/c.png")));
        write("folder/notes.txt", "not a picture\n");
        QVERIFY(pattern(4, 4, QImage::Format_Grayscale8).save(file("folder/sub/d.png")));
        write("empty/notes.txt", "no pictures here\n");
        QFile a(file("folder/a.png"));
        QVERIFY(a.open(QIODevice::ReadOnly));
        write("broken.png", a.readAll().left(40)); // its header, not its pixels
        // A PNG header claiming 100000 x 100000 gray pixels.
        write("huge.png", QByteArray("\x89PNG\r\n\x1a\n", 8) +
                              QByteArray::fromHex("0000000d49484452000186a0000186a00800000000") +
                              QByteArray(4, '\0'));
        write("text.png", "hello, not a picture\n");
        write("rows.csv", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1\n");
        // A model whose input has 2 channels, which a picture cannot fill.
        write("two_channels.strata", R"({"format_version": 1, "model": {"nodes": [
            {"id": "x", "type": "Input", "params": {"channels": 2, "height": 4, "width": 4}},
            {"id": "f", "type": "Flatten", "params": {}},
            {"id": "out", "type": "Dense", "params": {"units": 3}}],
            "edges": [{"from": "x.out", "to": "f.in"}, {"from": "f.out", "to": "out.in"}]}})");
        Result e2 = run({"export", file("two_channels.strata"), "--format", "safetensors", "--out",
                         file("two_channels.safetensors")});
        QVERIFY2(e2.code == 0, qPrintable(e2.err));
    }

    // The issue's evidence: a Fashion-MNIST test image written as a PNG is predicted as the
    // same class, with the same probabilities within 1e-6, by strata-cli predict FILE.png and
    // by the engine on the IDX test set.
    void fashionMnistPngMatchesIdx()
    {
        if (!QFile::exists(kFashion + "t10k-images-idx3-ubyte.gz") ||
            !QFile::exists(kFashion + "train-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        QVERIFY(strata::test::writeExampleVariant(
            "keras_mnist_cnn.strata", file("fashion.strata"),
            {{"dataset", QJsonObject{{"limit", 300}}}, {"training", QJsonObject{{"epochs", 1}}}}));
        Result t = run({"train", file("fashion.strata"), "--out", file("fashion"), "--quiet"});
        QVERIFY2(t.code == 0, qPrintable(t.out + t.err));
        const QString weights = file("fashion/final.safetensors");

        // The first test images as 28x28 gray PNGs, from the raw 0-255 IDX pixels.
        constexpr int kCount = 4;
        const strata::Dataset raw =
            strata::loadIdx((kFashion + "t10k-images-idx3-ubyte.gz").toStdString(),
                            (kFashion + "t10k-labels-idx1-ubyte.gz").toStdString());
        QStringList pngs;
        for (int i = 0; i < kCount; ++i) {
            QImage image(28, 28, QImage::Format_Grayscale8);
            for (int y = 0; y < 28; ++y)
                for (int x = 0; x < 28; ++x)
                    image.scanLine(y)[x] = uchar(raw.features[size_t(i * 784 + y * 28 + x)]);
            pngs << file(QString("fashion-%1.png").arg(i));
            QVERIFY(image.save(pngs.last(), "PNG"));
        }
        Result r = run(QStringList{"predict", file("fashion.strata"), "--weights", weights,
                                   "--json", "--input"} +
                       pngs);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray cli = answers(r);
        QCOMPARE(cli.size(), kCount);

        // The same samples through the IDX test set, normalised as the dataset loader does.
        const strata::Project project = strata::loadProject(file("fashion.strata").toStdString());
        strata::DatasetSpec spec = project.dataset;
        spec.testLimit = kCount;
        const strata::DatasetBundle data =
            strata::loadDataset(spec, strata::projectBaseDir(file("fashion.strata").toStdString()));
        QVERIFY(data.test);
        const std::unique_ptr<strata::Backend> backend = strata::createBackend("cpu");
        strata::Network network(project.graph, *backend,
                                strata::parseLossKind(project.training.loss),
                                strata::parseInitConvention(project.training.init), 0);
        network.loadWeights(strata::loadWeights(weights.toStdString()).weights);
        const strata::Tensor idx =
            strata::predict(network, data.test->features, kCount, project.training.batchSize);
        QCOMPARE(idx.numel(), int64_t(kCount * 10));

        for (int i = 0; i < kCount; ++i) {
            const QJsonObject answer = cli[i].toObject();
            QCOMPARE(answer["file"].toString(), pngs[i]);
            const QJsonArray probabilities = answer["predictions"].toArray();
            QCOMPARE(probabilities.size(), 10);
            const float *expected = idx.data() + i * 10;
            double worst = 0;
            for (int c = 0; c < 10; ++c)
                worst = std::max(worst, std::fabs(probabilities[c].toDouble() - expected[c]));
            QVERIFY2(worst <= 1e-6, qPrintable(QString("sample %1: %2").arg(i).arg(worst)));
            const int argmax = int(std::max_element(expected, expected + 10) - expected);
            const QJsonObject best = answer["top"].toArray()[0].toObject();
            QCOMPARE(best["index"].toInt(), argmax);
            QCOMPARE(best["class"].toString(),
                     QString::fromStdString(data.test->classNames[size_t(argmax)]));
        }
        // One picture alone gets what it got in the batch.
        Result one = run({"predict", file("fashion.strata"), "--weights", weights, "--json",
                          "--input", pngs[1]});
        QVERIFY2(one.code == 0, qPrintable(one.err));
        QVERIFY(largestDifference(answers(one)[0].toObject()["predictions"].toArray(),
                                  cli[1].toObject()["predictions"].toArray()) <= 1e-6);
    }

    // A folder: a block per picture, in name order, separated by a blank line; the text file
    // and the subfolder are skipped.
    void folderOfPictures()
    {
        Result r = predict({file("folder")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList blocks = r.out.trimmed().split("\n\n");
        QCOMPARE(blocks.size(), 3);
        const QStringList headers{
            "a.png (8x8, gray) as 4x4 gray:", "b.bmp (5x3, colour) as 4x4 gray:",
            "c.png (6x9, colour) as 4x4 gray:"};
        for (int i = 0; i < 3; ++i) {
            const QStringList lines = blocks[i].split('\n');
            QCOMPARE(lines.size(), 4); // three classes
            QCOMPARE(lines[0], QDir(file("folder")).filePath(headers[i]));
            double sum = 0;
            for (int k = 1; k <= 3; ++k) {
                const QRegularExpressionMatch m =
                    QRegularExpression(R"(^ (\d)\. (cat|dog|bird)\s+(\d+\.\d\d)%$)")
                        .match(lines[k]);
                QVERIFY2(m.hasMatch(), qPrintable(lines[k]));
                QCOMPARE(m.captured(1).toInt(), k);
                sum += m.captured(3).toDouble();
            }
            QVERIFY(std::fabs(sum - 100) < 0.02);
        }
        QVERIFY(!r.out.contains("notes") && !r.out.contains("d.png"));
    }

    // Pictures as arguments after --input; --top; --json with every probability and the top
    // classes, the same numbers as the text.
    void severalPictures()
    {
        const QStringList pictures{file("folder/c.png"), file("folder/a.png")};
        Result text = predict(pictures, {"--top", "2"});
        QVERIFY2(text.code == 0, qPrintable(text.err));
        const QStringList blocks = text.out.trimmed().split("\n\n");
        QCOMPARE(blocks.size(), 2);
        QVERIFY(blocks[0].startsWith(pictures[0] + " (6x9, colour)"));
        QVERIFY(blocks[1].startsWith(pictures[1] + " (8x8, gray)"));
        QCOMPARE(blocks[0].count('\n'), 2);

        Result json = predict(pictures, {"--top", "2", "--json"});
        QVERIFY2(json.code == 0, qPrintable(json.err));
        const QJsonArray all = answers(json);
        QCOMPARE(all.size(), 2);
        const QStringList names{"cat", "dog", "bird"};
        for (int i = 0; i < 2; ++i) {
            const QJsonObject answer = all[i].toObject();
            QCOMPARE(answer["file"].toString(), pictures[i]);
            const QJsonArray p = answer["predictions"].toArray();
            QCOMPARE(p.size(), 3);
            const QJsonArray top = answer["top"].toArray();
            QCOMPARE(top.size(), 2);
            for (int k = 0; k < 2; ++k) {
                const QJsonObject c = top[k].toObject();
                const int index = c["index"].toInt();
                QCOMPARE(c["class"].toString(), names[index]);
                QCOMPARE(c["probability"].toDouble(), p[index].toDouble());
                const QString line =
                    QString::asprintf("%2d. %-5s %6.2f%%", k + 1, qPrintable(names[index]),
                                      100 * c["probability"].toDouble());
                QVERIFY2(blocks[i].split('\n')[k + 1] == line, qPrintable(line));
            }
            QVERIFY(top[0].toObject()["probability"].toDouble() >=
                    top[1].toObject()["probability"].toDouble());
        }
        // A picture alone gets what it got beside another.
        const QJsonArray alone = answers(predict({pictures[1]}, {"--json"}));
        QCOMPARE(alone.size(), 1);
        QVERIFY(largestDifference(alone[0].toObject()["predictions"].toArray(),
                                  all[1].toObject()["predictions"].toArray()) <= 1e-6);
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("inputs");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("answered"); // pictures still predicted
        const QString a = file("folder/a.png"), c = file("folder/c.png");
        QTest::newRow("folder without pictures")
            << QStringList{file("empty")} << QStringList{} << 1
            << file("empty") + ": holds no pictures" << QStringList{};
        QTest::newRow("truncated png among several")
            << QStringList{a, file("broken.png"), c} << QStringList{} << 1
            << file("broken.png") + ": cannot be decoded" << QStringList{a, c};
        QTest::newRow("truncated png in json")
            << QStringList{file("broken.png"), c} << QStringList{"--json"} << 1
            << file("broken.png") + ": cannot be decoded" << QStringList{c};
        QTest::newRow("missing picture among several")
            << QStringList{a, file("none.png")} << QStringList{} << 1
            << file("none.png") + ": no such file" << QStringList{a};
        QTest::newRow("text named .png")
            << QStringList{file("text.png")} << QStringList{} << 1
            << file("text.png") + ": is not a PNG, JPEG" << QStringList{};
        QTest::newRow("picture too large")
            << QStringList{file("huge.png"), a} << QStringList{} << 1
            << file("huge.png") + ": is 100000×100000 pixels, more than Strata decodes"
            << QStringList{a};
        QTest::newRow("csv and pictures") << QStringList{file("rows.csv"), a} << QStringList{} << 2
                                          << "one CSV file or pictures, not both" << QStringList{};
        QTest::newRow("two csv files")
            << QStringList{file("rows.csv"), file("rows.csv")} << QStringList{} << 2
            << "one CSV file, not 2" << QStringList{};
        QTest::newRow("json with a csv")
            << QStringList{file("rows.csv")} << QStringList{"--json"} << 2
            << "--top and --json are for pictures" << QStringList{};
        QTest::newRow("input twice") << QStringList{a} << QStringList{"--input", c} << 2
                                     << "takes one --input" << QStringList{};
        QTest::newRow("top 0") << QStringList{a} << QStringList{"--top", "0"} << 2 << "at least 1"
                               << QStringList{};
    }
    void badInput()
    {
        QFETCH(QStringList, inputs);
        QFETCH(QStringList, options);
        QFETCH(int, code);
        QFETCH(QString, message);
        QFETCH(QStringList, answered);
        Result r = predict(inputs, options);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        for (const QString &picture : answered)
            QVERIFY2(r.out.contains(picture), qPrintable(r.out));
        if (options.contains("--json"))
            QCOMPARE(answers(r).size(), answered.size());
    }

    // A model whose input has 2 channels takes no picture: said with the picture's name.
    void modelWithoutPictureInput()
    {
        Result r = run({"predict", file("two_channels.strata"), "--weights",
                        file("two_channels.safetensors"), "--input", file("folder/a.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(file("folder/a.png") + ": this model's input is 2×4×4") &&
                     r.err.contains("a picture needs an input of 1×H×W"),
                 qPrintable(r.err));
    }

    // The CSV path is unchanged: a file of rows without a known extension is still rows.
    void rowsWithoutExtension()
    {
        write("rows.dat", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1\n1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n");
        Result r = predict({file("rows.dat")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QString("cat,dog,bird"));
    }
};

QTEST_GUILESS_MAIN(TestCliPredict)
#include "test_cli_predict.moc"
