// Memory before it is asked for: the training estimate from shape inference, the available
// memory with $STRATA_MEMORY_LIMIT, and loaders that refuse a dataset which cannot fit with the
// figures instead of failing with std::bad_alloc.

#include "../data/dataset_test_files.h"
#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/memory.h"
#include "strata/project.h"
#include "strata/trainer.h"
#include "strata/training_spec.h"

#include <QtTest>

using namespace strata;
using strata::test::sourceDir;

namespace {

// Sets $STRATA_MEMORY_LIMIT for one scope.
class MemoryLimit
{
public:
    explicit MemoryLimit(const char *limit) { qputenv("STRATA_MEMORY_LIMIT", limit); }
    ~MemoryLimit() { qunsetenv("STRATA_MEMORY_LIMIT"); }
};

} // namespace

class TestMemory : public QObject
{
    Q_OBJECT

private slots:
    void estimateCountsEveryPart()
    {
        // OR gate: x(2) → Dense 2 → Sigmoid → Dense 1 → Sigmoid; 9 parameters.
        const Project p = loadProject(sourceDir() + "/projects/or_gate.strata");
        const GraphAnalysis a = analyze(p.graph);
        QVERIFY(a.ok());
        OptimizerSpec adam;
        adam.type = "adam";
        const TrainingMemory m = estimateTrainingMemory(a, 10, adam);
        QCOMPARE(m.weights, 9.0 * 4);
        QCOMPARE(m.gradients, 9.0 * 4);
        QCOMPARE(m.optimizer, 2 * 9.0 * 4); // two moments
        // Outputs 2, 2, 2, 1, 1 per sample; gradients for all but the input.
        QCOMPARE(m.activations, 10 * 4.0 * (2 + 2 * (2 + 2 + 1 + 1)));
        QCOMPARE(m.total(), m.weights + m.gradients + m.optimizer + m.activations);

        OptimizerSpec sgd;
        sgd.type = "sgd";
        QCOMPARE(estimateTrainingMemory(a, 10, sgd).optimizer, 0.0);
        sgd.momentum = 0.9;
        QCOMPARE(estimateTrainingMemory(a, 10, sgd).optimizer, 9.0 * 4);
    }

    void estimateOfAHugeModelDoesNotOverflow()
    {
        // Three 2^20-unit Dense layers: about 2^41 parameters; the estimate is in terabytes.
        Graph g;
        g.addNode({"x", "Input", "x", {{"features", 1 << 20}}});
        for (const char *id : {"a", "b", "c"})
            g.addNode({id, "Dense", id, {{"units", 1 << 20}}});
        g.connect({{"x", 0}, {"a", 0}});
        g.connect({{"a", 0}, {"b", 0}});
        g.connect({{"b", 0}, {"c", 0}});
        const GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        const TrainingMemory m = estimateTrainingMemory(a, 32, OptimizerSpec{});
        QVERIFY(m.total() > 3.0 * (1ull << 40) * 4);
        QVERIFY(formatBytes(m.total()).ends_with(" TB"));
    }

    void formatBytesReadsLikeAPerson()
    {
        QCOMPARE(formatBytes(0), std::string("0 bytes"));
        QCOMPARE(formatBytes(1000), std::string("1000 bytes"));
        QCOMPARE(formatBytes(1536), std::string("1.5 KB"));
        QCOMPARE(formatBytes(64.0 * 1024 * 1024), std::string("64 MB"));
        QCOMPARE(formatBytes(4.2 * 1024 * 1024 * 1024), std::string("4.2 GB"));
    }

    void limitFromTheEnvironment()
    {
        QVERIFY(availableMemory() > 0);
        {
            MemoryLimit limit("64M");
            QCOMPARE(availableMemory(), 64.0 * 1024 * 1024);
            QVERIFY(memoryShortfall(1024, "x", "").empty());
            const std::string m = memoryShortfall(1e9, "training 'net'", "use a smaller batch");
            QCOMPARE(m, std::string("training 'net' needs about 954 MB of memory, but only 64 MB "
                                    "is available; use a smaller batch"));
        }
        {
            MemoryLimit garbage("lots"); // not a size: ignored
            QVERIFY(availableMemory() > 64.0 * 1024 * 1024);
        }
    }

    void loadersRefuseWhatCannotFit()
    {
        QTemporaryDir dir;
        QFile csv(dir.filePath("big.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        for (int i = 0; i < 1000; ++i)
            csv.write("1,2,3,4,0\n");
        csv.close();
        MemoryLimit limit("1K");
        try {
            loadCsv(csv.fileName().toStdString(), "");
            QFAIL("a table larger than the memory limit loaded");
        } catch (const DatasetError &e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(csv.fileName() + ": loading 1000 rows of 4 features"),
                     qPrintable(message));
            QVERIFY2(message.contains("needs about 16 KB of memory, but only 1.0 KB is available"),
                     qPrintable(message));
        }
    }

    void gzipBombIsRefusedBeforeItIsDecompressed()
    {
        // A small gzip IDX whose header promises 16,384 images of 32×32 (16 MB, 80 MB as
        // bytes and floats). Only the header's figures are checked: the payload, which here
        // is short, is never decompressed (earlier it was read whole first, and a 2 MB gzip
        // expanded to 2 GB before the memory check).
        QTemporaryDir dir;
        const QByteArray images = testdata::gzip(testdata::idx({16384, 32, 32}, QByteArray(64, 1)));
        const std::string imagesPath = testdata::writeFile(dir, "bomb-images.gz", images);
        const std::string labelsPath =
            testdata::writeFile(dir, "bomb-labels", testdata::idx({16384}, QByteArray(16384, 0)));
        MemoryLimit limit("8M");
        try {
            loadIdx(imagesPath, labelsPath);
            QFAIL("images larger than the memory limit loaded");
        } catch (const DatasetError &e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString::fromStdString(imagesPath) +
                                        ": loading 16384 images as floats needs about 80 MB"),
                     qPrintable(message));
            QVERIFY2(!message.contains("truncated"), qPrintable(message));
        }
    }

    void trainerRefusesAModelThatCannotFit()
    {
        // XOR with a hidden layer of 2^20 units: about 8 MB of weights, under a 1 MB limit.
        Project p = loadProject(sourceDir() + "/projects/xor.strata");
        QVERIFY(p.graph.find("hidden"));
        p.graph.find("hidden")->params["units"] = 1 << 20;
        MemoryLimit limit("1M");
        Trainer t(p, sourceDir() + "/projects", TrainerOptions{});
        const FinishedEvent f = t.run();
        QCOMPARE(int(f.reason), int(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.rfind("Training this model at batch size", 0) == 0, f.message.c_str());
        QVERIFY2(f.message.find("of memory, but only 1.0 MB is available") != std::string::npos,
                 f.message.c_str());
        QVERIFY2(f.message.find("use a smaller batch size or fewer units") != std::string::npos,
                 f.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestMemory)
#include "test_memory.moc"
