// Real data: a small CNN trained on a Fashion-MNIST subset (Debian's dataset-fashion-mnist)
// inside CI's time reaches a test accuracy a real model reaches.

#include "strata/trainer.h"

#include <QtTest>

#include <filesystem>

using namespace strata;

static QString reasonText(FinishedEvent::Reason r)
{
    return QString::fromStdString(toString(r));
}

class TestFashionTraining : public QObject
{
    Q_OBJECT

private slots:
    void smallCnnLearnsFashionMnist()
    {
        const std::string dir = "/usr/share/datasets/fashion-mnist/";
        if (!std::filesystem::exists(dir + "train-images-idx3-ubyte.gz"))
            QSKIP("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist "
                  "(scripts/setup.sh does)");
        Project p;
        Graph &g = p.graph;
        g.addNode({"in", "Input", "in", {{"channels", 1}, {"height", 28}, {"width", 28}}});
        g.addNode({"conv1", "Conv2D", "conv1", {{"filters", 16}, {"kernel", 3}}});
        g.addNode({"relu1", "ReLU", "relu1", nlohmann::json::object()});
        g.addNode({"pool1", "MaxPool2D", "pool1", {{"pool", 2}}});
        g.addNode({"conv2", "Conv2D", "conv2", {{"filters", 32}, {"kernel", 3}}});
        g.addNode({"relu2", "ReLU", "relu2", nlohmann::json::object()});
        g.addNode({"pool2", "MaxPool2D", "pool2", {{"pool", 2}}});
        g.addNode({"flat", "Flatten", "flat", nlohmann::json::object()});
        g.addNode({"fc1", "Dense", "fc1", {{"units", 64}}});
        g.addNode({"relu3", "ReLU", "relu3", nlohmann::json::object()});
        g.addNode({"fc2", "Dense", "fc2", {{"units", 10}}});
        g.addNode({"softmax", "Softmax", "softmax", nlohmann::json::object()});
        const char *chain[] = {"in",    "conv1", "relu1", "pool1", "conv2", "relu2",
                               "pool2", "flat",  "fc1",   "relu3", "fc2",   "softmax"};
        for (int i = 0; i + 1 < 12; ++i)
            g.connect({{chain[i], 0}, {chain[i + 1], 0}});
        p.dataset.kind = "idx";
        p.dataset.trainImages = dir + "train-images-idx3-ubyte.gz";
        p.dataset.trainLabels = dir + "train-labels-idx1-ubyte.gz";
        p.dataset.testImages = dir + "t10k-images-idx3-ubyte.gz";
        p.dataset.testLabels = dir + "t10k-labels-idx1-ubyte.gz";
        p.dataset.normalization = "scale";
        p.dataset.limit = 8000;
        p.dataset.testLimit = 2000;
        p.training.epochs = 3;
        p.training.batchSize = 32;
        p.training.optimizer.type = "adam";
        p.training.optimizer.lr = 0.001;

        Trainer t(p, ".", {});
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Completed));
        QVERIFY(f.testAccuracy.has_value());
        qInfo("Fashion-MNIST subset: test accuracy %.4f after %d epochs (%.0f samples/s)",
              *f.testAccuracy, f.epochsRun, t.history().back().samplesPerSecond);
        QVERIFY2(*f.testAccuracy > 0.80, qPrintable(QString::number(*f.testAccuracy)));
        // Learning happened: the loss fell from epoch to epoch.
        QVERIFY(t.history().back().loss < t.history().front().loss);
    }
};

QTEST_APPLESS_MAIN(TestFashionTraining)
#include "test_fashion_training.moc"
