// The .strata project format: a malformed-input table (every message names the file, the JSON
// path and what was expected), load → save → load round trips of every example, atomic saves
// and the `ui` section carried unread.

#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <unistd.h>

using namespace strata;
using json = nlohmann::json;

namespace {

using strata::test::sourceDir;

std::vector<std::string> exampleFiles()
{
    std::vector<std::string> files;
    for (const auto &entry : std::filesystem::directory_iterator(sourceDir() + "/projects"))
        if (entry.path().extension() == ".strata")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string readText(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

// A small valid project: Input(2) → Dense(3) → Sigmoid on XOR.
json validProject()
{
    return json::parse(R"({
      "format_version": 1,
      "name": "tiny",
      "model": {
        "nodes": [
          {"id": "x", "type": "Input", "name": "x", "params": {"features": 2}},
          {"id": "hidden", "type": "Dense", "name": "hidden", "params": {"units": 3}},
          {"id": "act", "type": "Sigmoid", "name": "act", "params": {}}
        ],
        "edges": [
          {"from": "x.out", "to": "hidden.in"},
          {"from": "hidden.out", "to": "act.in"}
        ]
      },
      "dataset": {"kind": "builtin", "name": "xor"},
      "training": {"epochs": 3, "batch_size": 4, "loss": "binary_cross_entropy",
                   "optimizer": {"type": "adam", "lr": 0.01}},
      "ui": {"positions": {"x": [0, 0]}}
    })");
}

// A row of the malformed-input table: the file's text, the JSON path the error must name and
// a fragment of what was expected.
std::string nestedObjects(int depth)
{
    std::string text;
    for (int i = 0; i < depth; ++i)
        text += "{\"a\": ";
    return text + "1" + std::string(static_cast<size_t>(depth), '}');
}

void addTextRow(const char *name, const std::string &text, const std::string &path,
                const std::string &fragment)
{
    QTest::newRow(name) << QByteArray::fromStdString(text) << QString::fromStdString(path)
                        << QString::fromStdString(fragment);
}

template <typename Edit>
void addRow(const char *name, Edit edit, const std::string &path, const std::string &fragment)
{
    json j = validProject();
    edit(j);
    addTextRow(name, j.dump(2), path, fragment);
}

} // namespace

class TestProject : public QObject
{
    Q_OBJECT

private slots:
    void validProjectLoads()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("tiny.strata").toStdString();
        writeText(path, validProject().dump(2));
        const Project p = loadProject(path);
        QCOMPARE(p.name, std::string("tiny"));
        QCOMPARE(p.graph.nodes().size(), size_t(3));
        QCOMPARE(p.graph.edges().size(), size_t(2));
        QCOMPARE(p.training.epochs, 3);
        QCOMPARE(p.training.batchSize, 4);
        QCOMPARE(p.training.loss, std::string("binary_cross_entropy"));
        QCOMPARE(p.training.optimizer.type, std::string("adam"));
        QCOMPARE(p.training.optimizer.lr, 0.01);
        QCOMPARE(p.dataset.name, std::string("xor"));
        // Unset training settings keep their defaults.
        QCOMPARE(p.training.seed, uint64_t(42));
        QCOMPARE(p.training.init, std::string("keras"));
    }

    void optionalSectionsDefault()
    {
        json j = validProject();
        j.erase("dataset");
        j.erase("training");
        j.erase("ui");
        j.erase("name");
        const Project p = projectFromJson(j, "bare.strata");
        QCOMPARE(p.name, std::string("Untitled"));
        QCOMPARE(p.training.epochs, TrainingSpec().epochs);
        QCOMPARE(p.dataset.kind, DatasetSpec().kind);
        QVERIFY(p.ui.is_object() && p.ui.empty());
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("fragment");

        // Line 3 is `  "model": {,`: the comma is the 13th character.
        addTextRow("not JSON", "{\n  \"format_version\": 1,\n  \"model\": {,\n}", "",
                   "line 3, column 13");
        addTextRow("empty file", "", "", "not valid JSON");
        // Hostile files: each is refused with a message, never a crash (issue: hardening).
        addTextRow("description nested 100,000 deep",
                   "{\"format_version\": 1, \"description\": " + std::string(100000, '[') +
                       std::string(100000, ']') + "}",
                   "", "deeper than 200 levels");
        addTextRow("ui nested 100,000 deep",
                   "{\"format_version\": 1, \"ui\": " + nestedObjects(100000) + "}", "",
                   "deeper than 200 levels");
        addTextRow("duplicate key", "{\"format_version\": 1,\n \"name\": \"a\",\n \"name\": \"b\"}",
                   "", "at /name: the key 'name' appears twice");
        addTextRow("number out of range", "{\"format_version\": 1,\n \"seed\": 1e400}", "",
                   "line 2, column 10: a number is too large");
        addTextRow("JSON array at top", "[1, 2, 3]", "", "expected a JSON object but found array");
        addRow(
            "missing format_version", [](json &j) { j.erase("format_version"); }, "/format_version",
            "project format version");
        addRow(
            "format_version as text", [](json &j) { j["format_version"] = "1"; }, "/format_version",
            "a whole number");
        addRow(
            "format_version 99", [](json &j) { j["format_version"] = 99; }, "/format_version",
            "newer Strata");
        addRow(
            "format_version past int", [](json &j) { j["format_version"] = 4294967297LL; },
            "/format_version", "a whole number");
        addRow(
            "format_version 0", [](json &j) { j["format_version"] = 0; }, "/format_version",
            "at least 1");
        addRow(
            "name not a string", [](json &j) { j["name"] = 7; }, "/name", "a string");
        addRow(
            "missing model", [](json &j) { j.erase("model"); }, "/model", "expected the model");
        addRow(
            "model not an object", [](json &j) { j["model"] = json::array(); }, "/model",
            "expected an object");
        addRow(
            "nodes not an array", [](json &j) { j["model"]["nodes"] = json::object(); },
            "/model/nodes", "expected an array of nodes");
        addRow(
            "node not an object", [](json &j) { j["model"]["nodes"][2] = "act"; }, "/model/nodes/2",
            "expected an object");
        addRow(
            "node without id", [](json &j) { j["model"]["nodes"][1].erase("id"); },
            "/model/nodes/1/id", "expected a string");
        addRow(
            "node with empty id", [](json &j) { j["model"]["nodes"][1]["id"] = ""; },
            "/model/nodes/1/id", "non-empty");
        addRow(
            "node with invalid id", [](json &j) { j["model"]["nodes"][1]["id"] = "a b"; },
            "/model/nodes/1/id", "letters, digits");
        addRow(
            "node without type", [](json &j) { j["model"]["nodes"][1].erase("type"); },
            "/model/nodes/1/type", "expected a string");
        addRow(
            "unknown layer type", [](json &j) { j["model"]["nodes"][1]["type"] = "Dense3D"; },
            "/model/nodes/1/type", "expected one of Input, Dense");
        addRow(
            "duplicate node id", [](json &j) { j["model"]["nodes"][2]["id"] = "hidden"; },
            "/model/nodes/2/id", "already exists");
        addRow(
            "params not an object",
            [](json &j) { j["model"]["nodes"][1]["params"] = json::array({3}); },
            "/model/nodes/1/params", "expected an object");
        addRow(
            "edges not an array", [](json &j) { j["model"]["edges"] = "x.out"; }, "/model/edges",
            "expected an array of links");
        addRow(
            "edge without to", [](json &j) { j["model"]["edges"][0].erase("to"); },
            "/model/edges/0", "\"from\": \"node.out\"");
        addRow(
            "edge with bad input port", [](json &j) { j["model"]["edges"][0]["to"] = "a.foo"; },
            "/model/edges/0/to", "expected an input port");
        addRow(
            "edge with bad output port",
            [](json &j) { j["model"]["edges"][1]["from"] = "hidden.in"; }, "/model/edges/1/from",
            "expected an output port \"hidden.out\"");
        addRow(
            "edge without a dot", [](json &j) { j["model"]["edges"][1]["from"] = "hidden"; },
            "/model/edges/1/from", "expected \"node.port\"");
        addRow(
            "edge to a missing node", [](json &j) { j["model"]["edges"][1]["to"] = "ghost.in"; },
            "/model/edges/1/to", "no node 'ghost'");
        addRow(
            "edge from a missing node",
            [](json &j) { j["model"]["edges"][1]["from"] = "ghost.out"; }, "/model/edges/1/from",
            "no node 'ghost'");
        addRow(
            "edge to a port beyond the layer's",
            [](json &j) { j["model"]["edges"][1]["to"] = "act.in1"; }, "/model/edges/1/to",
            "no input port 1");
        addRow(
            "edge into an occupied input",
            [](json &j) {
                j["model"]["edges"].push_back({{"from", "x.out"}, {"to", "act.in"}});
            },
            "/model/edges/2", "already fed by 'hidden'");
        addRow(
            "edge making a cycle",
            [](json &j) {
                // x → add.in0, add → fc, fc → add.in1 closes a loop.
                j["model"] = json::parse(R"({
                     "nodes": [{"id": "x", "type": "Input"}, {"id": "add", "type": "Add"},
                               {"id": "fc", "type": "Dense", "params": {"units": 2}}],
                     "edges": [{"from": "x.out", "to": "add.in0"},
                               {"from": "add.out", "to": "fc.in"},
                               {"from": "fc.out", "to": "add.in1"}]})");
            },
            "/model/edges/2", "cycle");
        addRow(
            "training not an object", [](json &j) { j["training"] = 5; }, "/training",
            "expected an object");
        addRow(
            "training.epochs 0", [](json &j) { j["training"]["epochs"] = 0; }, "/training/epochs",
            "expected an integer from 1 to 100000 but found number 0");
        addRow(
            "training.epochs true", [](json &j) { j["training"]["epochs"] = true; },
            "/training/epochs", "expected an integer from 1 to 100000 but found boolean true");
        addRow(
            "training.epochs 2.5", [](json &j) { j["training"]["epochs"] = 2.5; },
            "/training/epochs", "expected an integer from 1 to 100000 but found number 2.5");
        addRow(
            "training.batch_size \"32\"", [](json &j) { j["training"]["batch_size"] = "32"; },
            "/training/batch_size", "expected an integer from 1 to 65536 but found string \"32\"");
        addRow(
            "training.seed -1", [](json &j) { j["training"]["seed"] = -1; }, "/training/seed",
            "expected an integer from 0 to");
        addRow(
            "training.shuffle 1", [](json &j) { j["training"]["shuffle"] = 1; },
            "/training/shuffle", "true or false");
        addRow(
            "training.loss hinge", [](json &j) { j["training"]["loss"] = "hinge"; },
            "/training/loss", "cross_entropy, binary_cross_entropy or mse");
        addRow(
            "training.init xavier", [](json &j) { j["training"]["init"] = "xavier"; },
            "/training/init", "expected one of keras, pytorch but found string \"xavier\"");
        addRow(
            "training.precision fp16", [](json &j) { j["training"]["precision"] = "fp16"; },
            "/training/precision", "expected one of fp32, bf16 but found string \"fp16\"");
        addRow(
            "training.precision BF16", [](json &j) { j["training"]["precision"] = "BF16"; },
            "/training/precision", "expected one of fp32, bf16 but found string \"BF16\"");
        addRow(
            "training.precision 16", [](json &j) { j["training"]["precision"] = 16; },
            "/training/precision", "expected a string but found number 16");
        addRow(
            "training.optimizer.type adagrad",
            [](json &j) { j["training"]["optimizer"]["type"] = "adagrad"; },
            "/training/optimizer/type", "expected one of sgd, adam");
        addRow(
            "training.optimizer.lr negative",
            [](json &j) { j["training"]["optimizer"]["lr"] = -0.1; }, "/training/optimizer/lr",
            "expected a number > 0");
        addRow(
            "unknown training key", [](json &j) { j["training"]["epoch"] = 5; }, "/training/epoch",
            "unknown setting; expected one of epochs");
        addRow(
            "training.validation_split 1.5",
            [](json &j) { j["training"]["validation_split"] = 1.5; }, "/training/validation_split",
            "expected a number in [0, 1) but found number 1.5");
        addRow(
            "training.validation_split negative",
            [](json &j) { j["training"]["validation_split"] = -0.1; }, "/training/validation_split",
            "expected a number in [0, 1) but found number -0.1");
        addRow(
            "dataset.kind parquet", [](json &j) { j["dataset"]["kind"] = "parquet"; },
            "/dataset/kind", "expected one of builtin, idx, cifar10, csv, image_folder");
        addRow(
            "dataset not an object", [](json &j) { j["dataset"] = "xor"; }, "/dataset",
            "expected an object");
    }
    void malformed()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, path);
        QFETCH(QString, fragment);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string file = dir.filePath("broken.strata").toStdString();
        writeText(file, text.toStdString());
        try {
            loadProject(file);
            QFAIL("the malformed project loaded");
        } catch (const ProjectError &e) {
            const std::string what = e.what();
            QVERIFY2(contains(what, file), what.c_str());
            QCOMPARE(e.file(), file);
            QCOMPARE(e.jsonPath(), path.toStdString());
            if (!path.isEmpty())
                QVERIFY2(contains(what, file + ": " + path.toStdString() + ": "), what.c_str());
            QVERIFY2(contains(what, fragment.toStdString()), what.c_str());
        }
    }

    void pipesAndDevicesAreRefused()
    {
        // Opening a named pipe would wait for a writer forever.
        QTemporaryDir dir;
        const std::string fifo = dir.filePath("pipe.strata").toStdString();
        QVERIFY(::mkfifo(fifo.c_str(), 0600) == 0);
        for (const std::string &path : {fifo, std::string("/dev/zero")}) {
            try {
                loadProject(path);
                QFAIL("a pipe or device loaded as a project");
            } catch (const ProjectError &e) {
                QVERIFY2(contains(e.what(), path + ": this is not a regular file"), e.what());
            }
        }
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("nothing.strata").toStdString();
        try {
            loadProject(file);
            QFAIL("a missing file loaded");
        } catch (const ProjectError &e) {
            QVERIFY2(contains(e.what(), file), e.what());
            QVERIFY2(contains(e.what(), "cannot open"), e.what());
        }
    }

    void folderInsteadOfFile()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        try {
            loadProject(folder);
            QFAIL("a folder loaded as a project");
        } catch (const ProjectError &e) {
            QVERIFY2(contains(e.what(), folder), e.what());
            QVERIFY2(contains(e.what(), "folder"), e.what());
        }
    }

    void projectFromJsonWithoutFile()
    {
        // Without a file name the message starts at the path and loses nothing.
        json j = validProject();
        j["training"]["epochs"] = 0;
        try {
            projectFromJson(j);
            QFAIL("epochs 0 accepted");
        } catch (const ProjectError &e) {
            QCOMPARE(e.file(), std::string());
            QVERIFY2(std::string(e.what()).rfind("/training/epochs: expected", 0) == 0, e.what());
        }
        // An error without a JSON path keeps its whole message when the file is added.
        try {
            projectFromJson(json::array(), "f.strata");
            QFAIL("an array accepted");
        } catch (const ProjectError &e) {
            QCOMPARE(std::string(e.what()),
                     std::string("f.strata: expected a JSON object but found array"));
        }
    }

    void examplesRoundTrip_data()
    {
        QTest::addColumn<QString>("file");
        const auto files = exampleFiles();
        QVERIFY(files.size() >= 7);
        for (const std::string &f : files)
            QTest::newRow(std::filesystem::path(f).filename().string().c_str())
                << QString::fromStdString(f);
    }
    void examplesRoundTrip()
    {
        QFETCH(QString, file);
        const std::string path = file.toStdString();
        const Project first = loadProject(path);
        QTemporaryDir dir;
        const std::string copy = dir.filePath("copy.strata").toStdString();
        saveProject(first, copy);
        const Project second = loadProject(copy);
        const json a = toJson(first), b = toJson(second);
        QVERIFY2(a == b, (a.dump(1) + "\n---\n" + b.dump(1)).c_str());
        // The saved text is exactly what toJson gives, and saving again changes no byte.
        QCOMPARE(json::parse(readText(copy)), a);
        const std::string again = dir.filePath("again.strata").toStdString();
        saveProject(second, again);
        QCOMPARE(readText(again), readText(copy));
        // The model and the ui section come back as the example wrote them.
        const json original = json::parse(readText(path));
        QCOMPARE(a.at("model"), original.at("model"));
        QCOMPARE(a.at("ui"), original.at("ui"));
        QCOMPARE(a.at("name"), original.at("name"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);
    }

    void saveKeepsTheFilesKeyOrder()
    {
        // A file whose every object lists its keys in reverse of the writer's order: loading
        // and saving over it gives back the same bytes, and an edit changes only its line.
        QTemporaryDir dir;
        const std::string plain = dir.filePath("plain.strata").toStdString();
        saveProject(projectFromJson(validProject()), plain);
        std::function<nlohmann::ordered_json(const nlohmann::ordered_json &)> reversed =
            [&](const nlohmann::ordered_json &v) {
                if (v.is_array()) {
                    nlohmann::ordered_json out = nlohmann::ordered_json::array();
                    for (const auto &e : v)
                        out.push_back(reversed(e));
                    return out;
                }
                if (!v.is_object())
                    return v;
                nlohmann::ordered_json out = nlohmann::ordered_json::object();
                std::vector<std::string> keys;
                for (auto it = v.begin(); it != v.end(); ++it)
                    keys.push_back(it.key());
                std::reverse(keys.begin(), keys.end());
                for (const std::string &k : keys)
                    out[k] = reversed(v.at(k));
                return out;
            };
        const std::string text =
            reversed(nlohmann::ordered_json::parse(readText(plain))).dump(2) + '\n';
        QVERIFY(text != readText(plain));
        const std::string path = dir.filePath("reversed.strata").toStdString();
        writeText(path, text);

        Project p = loadProject(path);
        saveProject(p, path);
        QCOMPARE(readText(path), text);

        p.training.epochs = 77;
        saveProject(p, path);
        const QStringList before = QString::fromStdString(text).split('\n');
        const QStringList after = QString::fromStdString(readText(path)).split('\n');
        QCOMPARE(after.size(), before.size());
        QStringList changed;
        for (int i = 0; i < before.size(); ++i)
            if (before[i] != after[i])
                changed << after[i].trimmed();
        QCOMPARE(changed.size(), 1);
        QVERIFY2(changed.front().startsWith("\"epochs\": 77"), qPrintable(changed.front()));
    }

    void newProjectIsWrittenNameFirst()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("new.strata").toStdString();
        saveProject(projectFromJson(validProject()), path);
        const nlohmann::ordered_json saved = nlohmann::ordered_json::parse(readText(path));
        QCOMPARE(QString::fromStdString(saved.begin().key()), QStringLiteral("format_version"));
        QCOMPARE(QString::fromStdString(std::next(saved.begin()).key()), QStringLiteral("name"));
        QCOMPARE(QString::fromStdString(std::prev(saved.end()).key()), QStringLiteral("ui"));
        const auto &node = saved.at("model").at("nodes").at(0);
        QCOMPARE(QString::fromStdString(node.begin().key()), QStringLiteral("id"));
    }

    void uiSectionCarriedUnread()
    {
        json j = validProject();
        j["ui"] = json::parse(R"({"positions": {"x": [1.5, -2], "hidden": [0, 110]},
                                  "zoom": 0.75, "collapsed": [true, null],
                                  "future_panel": {"nested": {"deep": "value"}}})");
        QTemporaryDir dir;
        const std::string path = dir.filePath("ui.strata").toStdString();
        writeText(path, j.dump());
        const Project p = loadProject(path);
        QCOMPARE(p.ui, j.at("ui"));
        saveProject(p, path);
        QCOMPARE(json::parse(readText(path)).at("ui"), j.at("ui"));
    }

    void saveIntoMissingFolderThrowsAndLeavesNothing()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("no/such/folder").toStdString();
        const std::string path = missing + "/p.strata";
        try {
            saveProject(projectFromJson(validProject()), path);
            QFAIL("saving into a missing folder succeeded");
        } catch (const Error &e) {
            QVERIFY2(contains(e.what(), path), e.what());
        }
        QVERIFY(!std::filesystem::exists(missing));
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }

    void saveReplacesExistingFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("p.strata").toStdString();
        writeText(path, "old contents");
        Project p = projectFromJson(validProject());
        p.name = "replaced";
        saveProject(p, path);
        QCOMPARE(loadProject(path).name, std::string("replaced"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"p.strata"});
    }

    void failedSaveLeavesExistingFileIntact()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath("readonly");
        QVERIFY(QDir().mkpath(folder));
        const std::string path = (folder + "/p.strata").toStdString();
        const std::string previous = validProject().dump(2);
        writeText(path, previous);
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner);
        // Root writes into read-only folders: then this failure cannot be provoked.
        const bool writable = ::access(folder.toLocal8Bit().constData(), W_OK) == 0;
        if (writable) {
            QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QSKIP("the folder stays writable (running as root?)");
        }
        Project p = projectFromJson(validProject());
        p.name = "new";
        bool threw = false;
        try {
            saveProject(p, path);
        } catch (const Error &e) {
            threw = true;
            QVERIFY2(contains(e.what(), path), e.what());
        }
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(threw);
        QCOMPARE(readText(path), previous);
        QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList{"p.strata"});
    }

    void unserialisableProjectLeavesExistingFileIntact()
    {
        // Text that is not UTF-8 cannot be written as JSON: the save fails before touching
        // the disk, with a strata::Error, whoever runs it.
        QTemporaryDir dir;
        const std::string path = dir.filePath("p.strata").toStdString();
        const std::string previous = validProject().dump(2);
        writeText(path, previous);
        Project p = projectFromJson(validProject());
        p.name = "bad \xff\xfe name";
        try {
            saveProject(p, path);
            QFAIL("a project with invalid UTF-8 was saved");
        } catch (const Error &e) {
            QVERIFY2(contains(e.what(), path), e.what());
            QVERIFY2(contains(e.what(), "UTF-8"), e.what());
        }
        QCOMPARE(readText(path), previous);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"p.strata"});
    }

    void trainingSpecRoundTrip()
    {
        TrainingSpec s;
        s.epochs = 7;
        s.batchSize = 128;
        s.loss = "mse";
        s.validationSplit = 0.25;
        s.shuffle = false;
        s.earlyStoppingPatience = 3;
        s.keepBest = true;
        s.seed = 1234567890123ULL;
        s.device = "cuda:0";
        s.init = "pytorch";
        s.threads = 4;
        s.optimizer.type = "sgd";
        s.optimizer.momentum = 0.9;
        const json j = toJson(s);
        const TrainingSpec back = trainingSpecFromJson(j, "/training");
        QCOMPARE(toJson(back), j);
        QCOMPARE(back.seed, s.seed);
        QCOMPARE(back.validationSplit, 0.25);
    }

    void projectBaseDir()
    {
        QCOMPARE(strata::projectBaseDir("/a/b/p.strata"), std::string("/a/b"));
        QCOMPARE(strata::projectBaseDir("p.strata"), std::string("."));
    }
};

QTEST_APPLESS_MAIN(TestProject)
#include "test_project.moc"
