// strata-cli boundary: the decision boundary of trained weights as a picture. The XOR example,
// trained here, shows its pattern in the four quadrants; multi-class and regression models
// draw too; wrong models, files and sizes are refused with a message, never a crash.

#include "cli_process.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using strata::test::examplePath;
using strata::test::runCli;

namespace {

// The studio's first class colours (matplotlib's tab10 blue and orange, then green).
const QColor kClassColors[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}};

// The class whose shade (its colour mixed into white) a pixel lies nearest to.
int shadeClass(QColor pixel, int classes)
{
    int best = -1;
    double bestDistance = INFINITY;
    for (int c = 0; c < classes; ++c) {
        const QColor k = kClassColors[c];
        // The nearest point on the segment white → k.
        const double d[3] = {k.red() - 255.0, k.green() - 255.0, k.blue() - 255.0};
        const double p[3] = {pixel.red() - 255.0, pixel.green() - 255.0, pixel.blue() - 255.0};
        const double t = std::clamp((p[0] * d[0] + p[1] * d[1] + p[2] * d[2]) /
                                        (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]),
                                    0.0, 1.0);
        double distance = 0;
        for (int i = 0; i < 3; ++i)
            distance += (p[i] - t * d[i]) * (p[i] - t * d[i]);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = c;
        }
    }
    return best;
}

// A copy of an example project with its JSON changed by `edit`, written into dir.
QString editedExample(const QTemporaryDir &dir, const QString &example, const QString &name,
                      const std::function<void(QJsonObject &)> &edit)
{
    QFile in(examplePath(example));
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QJsonObject project = QJsonDocument::fromJson(in.readAll()).object();
    edit(project);
    const QString path = dir.filePath(name);
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(QJsonDocument(project).toJson());
    return path;
}

// Trains a project into dir/NAME and returns the final weights' path (empty on failure).
QString train(const QTemporaryDir &dir, const QString &project, const QString &name,
              const QStringList &extra = {})
{
    const QString out = dir.filePath(name);
    const auto r = runCli(QStringList{"train", project, "--out", out, "--quiet"} + extra);
    if (r.code != 0) {
        qWarning("%s", qPrintable(r.err));
        return {};
    }
    return out + "/final.safetensors";
}

} // namespace

class TestCliBoundary : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        xorWeights_ = train(dir_, examplePath("xor.strata"), "xor", {"--seed", "3"});
        QVERIFY(!xorWeights_.isEmpty());
    }

    void xorShowsItsPatternInTheFourQuadrants()
    {
        const QString png = dir_.filePath("xor.png");
        const auto r = runCli({"boundary", examplePath("xor.strata"), "--weights", xorWeights_,
                               "--out", png, "--size", "400x300"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("0 of 4 points misclassified"), qPrintable(r.out));
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(400, 300));
        // y is up: the top left quadrant is (0, 1), class 1; (0, 0) and (1, 1) are class 0.
        const int w = image.width(), h = image.height();
        QCOMPARE(shadeClass(image.pixelColor(w / 4, h / 4), 2), 1);
        QCOMPARE(shadeClass(image.pixelColor(3 * w / 4, h / 4), 2), 0);
        QCOMPARE(shadeClass(image.pixelColor(w / 4, 3 * h / 4), 2), 0);
        QCOMPARE(shadeClass(image.pixelColor(3 * w / 4, 3 * h / 4), 2), 1);
        // The four points sit at the data's corners, a margin of 1/12 of the picture inside,
        // in their class's full colour.
        QCOMPARE(image.pixelColor(w / 12, h / 12), kClassColors[1]);
        QCOMPARE(image.pixelColor(w - w / 12 - 1, h - h / 12 - 1), kClassColors[1]);
        QCOMPARE(image.pixelColor(w / 12, h - h / 12 - 1), kClassColors[0]);
    }

    void threeClassesAndARegressionDraw()
    {
        const QString blobs =
            editedExample(dir_, "spirals.strata", "blobs.strata", [](QJsonObject &p) {
                QJsonObject d{
                    {"kind", "builtin"}, {"name", "blobs"}, {"classes", 3}, {"samples", 300}};
                p["dataset"] = d;
                QJsonObject model = p["model"].toObject();
                QJsonArray nodes = model["nodes"].toArray();
                QJsonObject fc3 = nodes[5].toObject();
                fc3["params"] = QJsonObject{{"units", 3}};
                nodes[5] = fc3;
                model["nodes"] = nodes;
                p["model"] = model;
            });
        QVERIFY(!blobs.isEmpty());
        const QString weights = train(dir_, blobs, "blobs", {"--epochs", "20"});
        QVERIFY(!weights.isEmpty());
        const QString png = dir_.filePath("blobs.png");
        const auto r = runCli({"boundary", blobs, "--weights", weights, "--out", png});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QImage image(png);
        QCOMPARE(image.size(), QSize(600, 600));
        QSet<int> shades;
        for (int y = 0; y < 600; y += 10)
            for (int x = 0; x < 600; x += 10)
                shades.insert(shadeClass(image.pixelColor(x, y), 3));
        QCOMPARE(shades.size(), 3);

        // One sigmoid output under mse: coloured by value, from blue through white to orange.
        const QString regression =
            editedExample(dir_, "xor.strata", "xor_mse.strata", [](QJsonObject &p) {
                QJsonObject t = p["training"].toObject();
                t["loss"] = "mse";
                p["training"] = t;
            });
        const QString mseWeights = train(dir_, regression, "xor_mse", {"--epochs", "5"});
        QVERIFY(!mseWeights.isEmpty());
        const auto m = runCli({"boundary", regression, "--weights", mseWeights, "--out",
                               dir_.filePath("mse.png"), "--size", "100x100"});
        QVERIFY2(m.code == 0, qPrintable(m.err));
        QCOMPARE(QImage(dir_.filePath("mse.png")).size(), QSize(100, 100));
    }

    void aModelWithoutTwoFeaturesIsRefused()
    {
        const auto r = runCli({"boundary", examplePath("keras_mlp_dummy.strata"), "--weights",
                               xorWeights_, "--out", dir_.filePath("dummy.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("needs a model whose input has 2 features") &&
                     r.err.contains("input is 32") && r.err.contains("use a model"),
                 qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("dummy.png")));
    }

    void badFilesAndArgumentsAreRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString xor_ = examplePath("xor.strata");
        const QString out = dir_.filePath("bad.png");
        QTest::newRow("missing weights file")
            << QStringList{"boundary", xor_, "--weights", dir_.filePath("none.safetensors"),
                           "--out",    out}
            << 1 << "none.safetensors";
        QTest::newRow("weights of another model")
            << QStringList{"boundary", examplePath("spirals.strata"), "--weights", "XOR", "--out",
                           out}
            << 1 << "another model";
        QTest::newRow("no --weights")
            << QStringList{"boundary", xor_, "--out", out} << 2 << "needs --weights";
        QTest::newRow("no --out") << QStringList{"boundary", xor_, "--weights", "XOR"} << 2
                                  << "needs --out";
        for (const char *size : {"600", "x600", "600x", "12x600", "600x9000", "axb", "-5x600",
                                 "600x600x3", "99999999999x600"})
            QTest::newRow(qPrintable(QString("--size ") + size))
                << QStringList{"boundary", xor_, "--weights", "XOR", "--out", out, "--size", size}
                << 2 << "--size expects WIDTHxHEIGHT";
        QTest::newRow("unknown option")
            << QStringList{"boundary", xor_, "--weights", "XOR", "--out", out, "--dpi", "3"} << 2
            << "unknown option --dpi";
        QTest::newRow("missing project")
            << QStringList{"boundary", dir_.filePath("none.strata"), "--weights", "XOR", "--out",
                           out}
            << 1 << "none.strata";
    }

    void badFilesAndArgumentsAreRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        args.replaceInStrings(QRegularExpression("^XOR$"), xorWeights_);
        const auto r = runCli(args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("bad.png")));
    }

private:
    QTemporaryDir dir_;
    QString xorWeights_;
};

QTEST_GUILESS_MAIN(TestCliBoundary)
#include "test_cli_boundary.moc"
