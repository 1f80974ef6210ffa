// strata-cli profile: the table of nodes sorted by time with the totals, the step time and the
// memory; a Chrome trace that is JSON with one complete event per node and phase per step; the
// project's own data; and clear messages for bad arguments.

#include "cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace strata::test;

class TestCliProfile : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void tableAndTrace()
    {
        const QString trace = dir_.path() + "/mnist.json";
        const CliResult r =
            runCli({"profile", examplePath("keras_mnist_cnn.strata"), "--synthetic", "--batch", "8",
                    "--steps", "3", "--warmup", "1", "--threads", "1", "--trace", trace});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("Profile of \"Keras MNIST CNN on Fashion-MNIST\": 3 training "
                                  "steps at batch size 8, after 1 warm-up steps\n"),
                 qPrintable(r.out));
        const QStringList lines = r.out.split('\n');
        const int header = int(lines.indexOf(QRegularExpression("^Node \\(type\\) +Forward ms +"
                                                                "Backward ms +Reorder ms +Update "
                                                                "ms +Other ms +Share +GFLOP/s +"
                                                                "Memory +Kernel$")));
        QVERIFY2(header > 0, qPrintable(r.out));
        // Eleven nodes, slowest first (the 9216→1024 Dense or the 32→64 convolution), the ReLU
        // that max pooling runs last.
        QVERIFY2(lines.value(header + 2).startsWith("dense (Dense)") ||
                     lines.value(header + 2).startsWith("conv2d_1 (Conv2D)"),
                 qPrintable(lines.value(header + 2)));
        QVERIFY2(lines.value(header + 12).startsWith("relu_1 (ReLU)") &&
                     lines.value(header + 12).endsWith("inside max_pooling2d"),
                 qPrintable(lines.value(header + 12)));
        QVERIFY(lines.value(header + 14).startsWith("Total "));
        for (const char *text :
             {"\nBy phase: forward ", "\nOutside the nodes: ", "\nStep time: ", " samples/s\n",
              "\nMemory: ", "shape inference's estimate: ", "\nTrace: "})
            QVERIFY2(r.out.contains(text), text);

        QFile file(trace);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonArray events = doc.object().value("traceEvents").toArray();
        std::map<QString, int> perStep; // "node phase" → events
        int steps = 0;
        for (const QJsonValue &v : events) {
            const QJsonObject e = v.toObject();
            if (e.value("ph").toString() == "M")
                continue;
            QCOMPARE(e.value("ph").toString(), QString("X"));
            QVERIFY(e.value("ts").isDouble() && e.value("dur").isDouble());
            QVERIFY(e.contains("pid") && e.contains("tid"));
            if (e.value("cat").toString() == "step")
                ++steps;
            else if (e.value("cat").toString() != "layout reorder")
                ++perStep[e.value("name").toString()];
        }
        QCOMPARE(steps, 3);
        for (const char *name : {"input data copy", "conv2d forward", "conv2d backward",
                                 "conv2d optimizer update", "softmax loss", "dense backward"})
            QVERIFY2(perStep[name] == 3, name);
        for (const auto &[name, n] : perStep)
            QVERIFY2(n == 3, qPrintable(name));
    }

    void theProjectsOwnData()
    {
        const CliResult r =
            runCli({"profile", examplePath("xor.strata"), "--steps", "2", "--warmup", "0"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("2 training steps"));
        QVERIFY(!r.out.contains("Trace:"));
    }

    void againstThePeak()
    {
        // --peak: the CPU's measured fp32 peak, then each layer with FLOPs against it, the
        // most FLOPs first (the MNIST CNN's second convolution before its first).
        const CliResult r =
            runCli({"profile", examplePath("keras_mnist_cnn.strata"), "--synthetic", "--batch", "4",
                    "--steps", "1", "--warmup", "0", "--threads", "1", "--peak"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("fp32 peak on 1 thread: "), qPrintable(r.out));
        QVERIFY(r.out.contains("% of the peak"));
        QVERIFY(r.out.indexOf("conv2d_1 (Conv2D)", r.out.indexOf("fp32 peak")) <
                r.out.indexOf("conv2d (Conv2D)", r.out.indexOf("fp32 peak")));
    }

    void version()
    {
        for (const char *flag : {"--version", "version"}) {
            const CliResult r = runCli({flag});
            QCOMPARE(r.code, 0);
            QVERIFY2(r.out.startsWith("strata-cli ") && r.out.trimmed().count('.') == 2,
                     qPrintable(r.out));
        }
    }

    void helpListsIt()
    {
        const CliResult r = runCli({"help"});
        QVERIFY(r.out.contains("  profile PROJECT [--steps N]"));
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString xor_ = examplePath("xor.strata");
        QTest::newRow("no project") << QStringList{} << 2 << "expects one project file";
        QTest::newRow("no steps") << QStringList{xor_, "--steps", "0"} << 2 << "--steps";
        QTest::newRow("bad steps") << QStringList{xor_, "--steps", "many"} << 2 << "whole number";
        QTest::newRow("unknown option")
            << QStringList{xor_, "--epochs", "3"} << 2 << "unknown option --epochs";
        QTest::newRow("missing project")
            << QStringList{"/nonexistent/x.strata"} << 1 << "/nonexistent/x.strata";
        QTest::newRow("unknown device") << QStringList{xor_, "--device", "tpu"} << 1 << "tpu";
        QTest::newRow("trace unwritable")
            << QStringList{xor_, "--steps", "1", "--trace", "/nonexistent/dir/t.json"} << 1
            << "/nonexistent/dir/t.json";
    }
    void badArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const CliResult r = runCli(QStringList{"profile"} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliProfile)
#include "test_cli_profile.moc"
