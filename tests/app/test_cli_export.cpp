// strata-cli export and import: an example exported to ONNX and imported back predicts what
// the original predicts, every format writes what it says, and a table of bad arguments and
// files, each with a message and a non-zero exit code.

#include "cli_process.h"

#include <QtTest>

class TestCliExport : public QObject
{
    Q_OBJECT

private:
    using Result = strata::test::CliResult;

    QString project(const QString &name) const { return strata::test::examplePath(name); }
    QString file(const QString &name) const { return dir.filePath(name); }
    Result run(const QStringList &args) { return strata::test::runCli(args); }
    QStringList predictions(const QString &projectFile, const QString &weights)
    {
        Result r = run({"predict", projectFile, "--weights", weights, "--input", file("rows.csv")});
        if (r.code != 0)
            qWarning("%s", qPrintable(r.err));
        return r.out.trimmed().split('\n').mid(1); // the first line names the classes
    }

    QTemporaryDir dir;

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        QFile rows(file("rows.csv"));
        QVERIFY(rows.open(QIODevice::WriteOnly));
        rows.write("0.1,0.2\n-0.5,0.9\n1.5,-1\n");
    }

    void exportImportRoundTrip()
    {
        // Without --weights: the project's freshly initialised weights, said so.
        Result w = run({"export", project("spirals.strata"), "--format", "safetensors", "--out",
                        file("spirals.safetensors")});
        QCOMPARE(w.code, 0);
        QVERIFY2(w.out.contains("freshly initialised"), qPrintable(w.out));
        QVERIFY(w.out.contains("Wrote " + file("spirals.safetensors")));

        // The format follows from the extension when --format is left out.
        Result e = run({"export", project("spirals.strata"), "--weights",
                        file("spirals.safetensors"), "--out", file("spirals.onnx")});
        QCOMPARE(e.code, 0);
        QVERIFY2(e.out.contains("Wrote " + file("spirals.onnx")), qPrintable(e.out + e.err));
        QVERIFY(!e.out.contains("freshly initialised"));

        Result i = run({"import", file("spirals.onnx"), "--out", file("back.strata")});
        QCOMPARE(i.code, 0);
        QVERIFY2(i.out.contains("Imported") && i.out.contains("1218 parameters"),
                 qPrintable(i.out));
        QVERIFY(i.out.contains("Wrote " + file("back.strata")));
        QVERIFY(i.out.contains("Wrote " + file("back.safetensors")));

        Result s = run({"summary", file("back.strata")});
        QCOMPARE(s.code, 0);
        QVERIFY2(s.out.contains("Total params: 1,218"), qPrintable(s.out));

        const QStringList before =
            predictions(project("spirals.strata"), file("spirals.safetensors"));
        const QStringList after = predictions(file("back.strata"), file("back.safetensors"));
        QCOMPARE(before.size(), 3);
        QCOMPARE(after, before);
    }

    void dropoutNote()
    {
        QFile f(file("drop.strata"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format_version": 1, "model": {"nodes": [
            {"id": "in", "type": "Input", "params": {"features": 3}},
            {"id": "drop", "type": "Dropout", "params": {"rate": 0.5}},
            {"id": "fc", "type": "Dense", "params": {"units": 2}}],
            "edges": [{"from": "in.out", "to": "drop.in"}, {"from": "drop.out", "to": "fc.in"}]}})");
        f.close();
        Result r = run({"export", f.fileName(), "--format", "onnx", "--out", file("drop.onnx")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Note: Dropout 'drop' left out"), qPrintable(r.out));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString xor_ = project("xor.strata");
        const QString out = file("out.onnx");
        QTest::newRow("export without project") << QStringList{"export"} << 2 << "one project";
        QTest::newRow("export without out")
            << QStringList{"export", xor_, "--format", "onnx"} << 2 << "needs --out";
        QTest::newRow("export unknown format")
            << QStringList{"export", xor_, "--format", "tflite", "--out", out} << 2
            << "Unknown export format 'tflite'";
        QTest::newRow("export format not guessable")
            << QStringList{"export", xor_, "--out", file("model.bin")} << 2 << "needs --format";
        QTest::newRow("export unknown option")
            << QStringList{"export", xor_, "--out", out, "--opset", "11"} << 2
            << "unknown option --opset";
        QTest::newRow("export missing project")
            << QStringList{"export", "/nonexistent.strata", "--out", out} << 1 << "cannot open";
        QTest::newRow("export weights not safetensors")
            << QStringList{"export", xor_, "--weights", xor_, "--out", out} << 1 << "xor.strata";
        QTest::newRow("export weights of another model")
            << QStringList{"export",    project("spirals.strata"),
                           "--weights", file("xor.safetensors"),
                           "--out",     out}
            << 1 << "do not fit";
        QTest::newRow("export to a missing folder")
            << QStringList{"export", xor_, "--out", "/nonexistent/folder/x.onnx"} << 1
            << "Cannot write /nonexistent/folder/x.onnx";
        QTest::newRow("import without model") << QStringList{"import"} << 2 << "one ONNX model";
        QTest::newRow("import without out")
            << QStringList{"import", file("xor.onnx")} << 2 << "needs --out";
        QTest::newRow("import out not .strata")
            << QStringList{"import", file("xor.onnx"), "--out", file("x.json")} << 2
            << "ending in .strata";
        QTest::newRow("import missing model")
            << QStringList{"import", file("absent.onnx"), "--out", file("x.strata")} << 1
            << "cannot open";
        QTest::newRow("import a project file")
            << QStringList{"import", xor_, "--out", file("x.strata")} << 1 << "not an ONNX model";
    }
    void badInput()
    {
        // Files the rows above refer to.
        if (!QFile::exists(file("xor.safetensors")))
            QCOMPARE(run({"export", project("xor.strata"), "--format", "safetensors", "--out",
                          file("xor.safetensors")})
                         .code,
                     0);
        if (!QFile::exists(file("xor.onnx")))
            QCOMPARE(run({"export", project("xor.strata"), "--out", file("xor.onnx")}).code, 0);
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        Result r = run(args);
        QCOMPARE(r.code, code);
        QVERIFY2((r.err + r.out).contains(message), qPrintable(r.err + r.out));
    }
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "test_cli_export.moc"
