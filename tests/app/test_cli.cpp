// strata-cli: every command's happy path and a table of bad arguments and files, each with a
// message and a non-zero exit code.

#include "cli_process.h"
#include "example_variant.h"

#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>

class TestCli : public QObject
{
    Q_OBJECT

private:
    using Result = strata::test::CliResult;

    QString project(const QString &name) const { return strata::test::examplePath(name); }
    Result run(const QStringList &args) { return strata::test::runCli(args); }

    QTemporaryDir dir;

private slots:
    void summaryMatchesKeras()
    {
        Result r = run({"summary", project("keras_mnist_cnn.strata")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Total params: 9,467,274"), qPrintable(r.out));
        QVERIFY(r.out.contains("(None, 32×26×26)"));
        // What training needs at the project's batch size (shape inference's estimate).
        QVERIFY2(r.out.endsWith("\nTraining memory at batch size 32: about 106 MB (weights 36 MB, "
                                "gradients 36 MB, optimizer 0 bytes, activations 34 MB)\n"),
                 qPrintable(r.out));
    }

    void trainEvalPredict()
    {
        const QString out = dir.path() + "/xor";
        Result t = run({"train", project("xor.strata"), "--out", out, "--epochs", "200"});
        QCOMPARE(t.code, 0);
        QVERIFY2(t.out.contains("Epoch 200/200"), qPrintable(t.out));
        QVERIFY(t.out.contains("loss: "));
        for (const char *f : {"metrics.csv", "metrics.json", "final.safetensors",
                              "best.safetensors", "checkpoint.safetensors"})
            QVERIFY2(QFile::exists(out + "/" + f), f);
        QFile csv(out + "/metrics.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString(csv.readAll()).count('\n'), 201);

        Result e = run({"eval", project("xor.strata"), "--weights", out + "/final.safetensors"});
        QCOMPARE(e.code, 0);
        QVERIFY2(e.out.contains("accuracy: 1.0000"), qPrintable(e.out + e.err));

        QFile input(dir.path() + "/rows.csv");
        QVERIFY(input.open(QIODevice::WriteOnly));
        input.write("a,b\n0,0\n0,1\n1,0\n1,1\n");
        input.close();
        Result p = run({"predict", project("xor.strata"), "--weights", out + "/final.safetensors",
                        "--input", input.fileName()});
        QCOMPARE(p.code, 0);
        const QStringList lines = p.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY(lines[1].toDouble() < 0.5 && lines[2].toDouble() > 0.5);
        QVERIFY(lines[3].toDouble() > 0.5 && lines[4].toDouble() < 0.5);

        // Resuming a finished run's checkpoint continues to the new epoch count.
        Result r = run({"train", project("xor.strata"), "--resume", out + "/checkpoint.safetensors",
                        "--epochs", "210", "--out", out + "-resumed"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Resumed from") && r.out.contains("Epoch 210/210"),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains("Epoch 200/210"));
    }

    void devices()
    {
        Result r = run({"devices"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("cpu"));
        QVERIFY(r.out.contains("cuda"));
    }

    // The program sets a short OpenMP spin before libgomp reads its environment
    // (engine/startup/openmp_wait.cpp); what a user set is left alone.
    void openmpWaitPolicy()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("OMP_WAIT_POLICY");
        env.remove("GOMP_SPINCOUNT");
        Result r = strata::test::runCli({"devices"}, 60000, env);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("idle threads: spin 10000, then sleep (GOMP_SPINCOUNT)"),
                 qPrintable(r.out));

        env.insert("OMP_WAIT_POLICY", "passive");
        r = strata::test::runCli({"devices"}, 60000, env);
        QVERIFY2(r.out.contains("idle threads: passive (OMP_WAIT_POLICY)"), qPrintable(r.out));

        env.remove("OMP_WAIT_POLICY");
        env.insert("GOMP_SPINCOUNT", "250");
        r = strata::test::runCli({"devices"}, 60000, env);
        QVERIFY2(r.out.contains("idle threads: spin 250, then sleep"), qPrintable(r.out));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString xor_ = project("xor.strata");
        QTest::newRow("no command") << QStringList{} << 2 << "Usage";
        QTest::newRow("unknown command") << QStringList{"fly"} << 2 << "unknown command 'fly'";
        QTest::newRow("summary without file") << QStringList{"summary"} << 2 << "one project";
        QTest::newRow("missing file")
            << QStringList{"summary", "/nonexistent.strata"} << 1 << "cannot open";
        QTest::newRow("bad epochs")
            << QStringList{"train", xor_, "--epochs", "abc"} << 2 << "--epochs expects";
        QTest::newRow("zero epochs")
            << QStringList{"train", xor_, "--epochs", "0"} << 2 << "at least 1";
        QTest::newRow("unknown option")
            << QStringList{"train", xor_, "--speed", "9"} << 2 << "unknown option --speed";
        QTest::newRow("option without value")
            << QStringList{"train", xor_, "--out"} << 2 << "needs a value";
        QTest::newRow("no gpu") << QStringList{"train", xor_, "--device", "cuda:0"} << 1 << "cuda";
        QTest::newRow("eval without weights") << QStringList{"eval", xor_} << 2 << "--weights";
        QTest::newRow("weights not safetensors")
            << QStringList{"eval", xor_, "--weights", xor_} << 1 << "xor.strata";
        QTest::newRow("resume from non-checkpoint")
            << QStringList{"train", xor_, "--resume", xor_} << 1 << "xor.strata";
        // Pictures (the XOR weights trainEvalPredict wrote).
        const QString weights = dir.path() + "/xor/final.safetensors";
        const QString png = dir.path() + "/dot.png";
        QFile dot(png);
        if (dot.open(QIODevice::WriteOnly))
            dot.write(QByteArray::fromHex( // a 1x1 gray PNG
                "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a4944"
                "4154789c636000000002000148afa4710000000049454e44ae426082"));
        dot.close();
        QTest::newRow("picture missing")
            << QStringList{"predict", xor_, "--weights", weights, "--image", "/nonexistent.png"}
            << 1 << "no such file";
        QTest::newRow("picture not a picture")
            << QStringList{"predict", xor_, "--weights", weights, "--image", xor_} << 1
            << "not a PNG, JPEG";
        QTest::newRow("picture into a 2-feature model")
            << QStringList{"predict", xor_, "--weights", weights, "--image", png} << 1
            << "a picture needs an input";
        QTest::newRow("picture and rows")
            << QStringList{"predict", xor_, "--weights", weights, "--image", png, "--input", png}
            << 2 << "not both";
        QTest::newRow("picture top 0")
            << QStringList{"predict", xor_, "--weights", weights, "--image", png, "--top", "0"} << 2
            << "at least 1";
    }

    // An image model's top classes for a picture: a Fashion-MNIST CNN trained briefly, asked
    // about a picture of another size and in colour (resized and converted to its 28x28 gray).
    void predictAPicture()
    {
        const QString data = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
        if (!QFile::exists(data))
            QSKIP("dataset-fashion-mnist is not installed");
        const QString small = dir.path() + "/fashion.strata";
        QVERIFY(strata::test::writeExampleVariant(
            "keras_mnist_cnn.strata", small,
            {{"dataset", QJsonObject{{"limit", 300}}}, {"training", QJsonObject{{"epochs", 1}}}}));
        const QString out = dir.path() + "/fashion";
        Result t = run({"train", small, "--out", out, "--quiet"});
        QVERIFY2(t.code == 0, qPrintable(t.out + t.err));
        // A 600x600 colour PNG Strata wrote (the XOR boundary).
        const QString picture = dir.path() + "/colour.png";
        Result b = run({"boundary", project("xor.strata"), "--weights",
                        dir.path() + "/xor/final.safetensors", "--out", picture});
        QVERIFY2(b.code == 0, qPrintable(b.err));
        Result r = run({"predict", small, "--weights", out + "/final.safetensors", "--image",
                        picture, "--top", "3"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines[0].contains("(600x600, colour) as 28x28 gray"), qPrintable(lines[0]));
        const QStringList names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
        double last = 101;
        for (int i = 1; i <= 3; ++i) {
            const QRegularExpressionMatch m =
                QRegularExpression(R"(^ ?(\d)\. (.+?)\s+(\d+\.\d\d)%$)").match(lines[i]);
            QVERIFY2(m.hasMatch(), qPrintable(lines[i]));
            QCOMPARE(m.captured(1).toInt(), i);
            QVERIFY2(names.contains(m.captured(2)), qPrintable(m.captured(2)));
            const double percent = m.captured(3).toDouble();
            QVERIFY(percent <= last && percent >= 0);
            last = percent;
        }
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        Result r = run(args);
        QCOMPARE(r.code, code);
        QVERIFY2((r.err + r.out).contains(message), qPrintable(r.err + r.out));
    }

    void shapeErrorInSummary()
    {
        QFile f(dir.path() + "/broken.strata");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format_version": 1, "model": {"nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
            {"id": "fc", "type": "Dense", "params": {"units": 4}}],
            "edges": [{"from": "in.out", "to": "fc.in"}]}})");
        f.close();
        Result r = run({"summary", f.fileName()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("Dense 'fc'") && r.err.contains("Flatten"), qPrintable(r.err));
    }

    // strata-cli check: what the studio's Problems panel lists before Train.
    void checkBeforeTraining()
    {
        Result ok = run({"check", project("or_gate.strata")});
        QCOMPARE(ok.code, 0);
        QVERIFY2(ok.out.contains("No problems"), qPrintable(ok.out));
        QFile f(dir.path() + "/or_ce.strata");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format_version": 1, "model": {"nodes": [
            {"id": "x", "type": "Input", "params": {"features": 2}},
            {"id": "out", "type": "Dense", "params": {"units": 1}},
            {"id": "s", "type": "Sigmoid", "params": {}}],
            "edges": [{"from": "x.out", "to": "out.in"}, {"from": "out.out", "to": "s.in"}]},
            "dataset": {"kind": "builtin", "name": "or"},
            "training": {"loss": "cross_entropy"}})");
        f.close();
        Result r = run({"check", f.fileName()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("error: The model gives 1 output but the dataset has 2 classes") &&
                     r.out.contains("quick fix in the studio: Use binary cross-entropy"),
                 qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
