// The evidence for the image_folder dataset kind: three Fashion-MNIST classes (Debian's
// dataset-fashion-mnist) written as PNG files into one folder per class train a small CNN as
// well as the same samples read from IDX files: the two loaders give the same floats, and the
// test accuracies after 2 epochs are within 1 point. And a stop ends a load of pictures.

#include "dataset_test_files.h"

#include "strata/dataset.h"
#include "strata/trainer.h"

#include <stb_image_write.h>

#include <QDir>
#include <QtTest>

#include <filesystem>

using namespace strata;
using namespace strata::testdata;

namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist/";

// T-shirt/top, Trouser and Sneaker; their folders sort as Sneaker, T-shirt, Trouser.
struct Picked
{
    int label;
    const char *folder;
};
const Picked kClasses[] = {{7, "Sneaker"}, {0, "T-shirt"}, {1, "Trouser"}};

// Writes the first `perClass` pictures of each picked class as 28x28 gray PNG files into
// root/<class>/, and the same pictures as IDX files, in the order the image folder loader
// gives them: with classes of equal size, one of each class in turn. Returns the IDX paths.
std::pair<std::string, std::string> writeSplit(const QTemporaryDir &dir, const QString &name,
                                               const Dataset &source, int perClass)
{
    std::vector<std::vector<int64_t>> chosen(std::size(kClasses));
    for (int64_t i = 0; i < source.size(); ++i)
        for (size_t c = 0; c < std::size(kClasses); ++c)
            if (source.labels[size_t(i)] == kClasses[c].label && int(chosen[c].size()) < perClass)
                chosen[c].push_back(i);
    QByteArray images, labels;
    for (int k = 0; k < perClass; ++k) {
        for (size_t c = 0; c < std::size(kClasses); ++c) {
            const float *x = source.sample(chosen[c][size_t(k)]);
            std::vector<uint8_t> pixels(x, x + 28 * 28);
            const QString folder = dir.filePath(name + "/" + kClasses[c].folder);
            QDir().mkpath(folder);
            const QString file = folder + QStringLiteral("/%1.png").arg(k, 5, 10, QLatin1Char('0'));
            if (!stbi_write_png(file.toStdString().c_str(), 28, 28, 1, pixels.data(), 28))
                qFatal("cannot write %s", qPrintable(file));
            images.append(reinterpret_cast<const char *>(pixels.data()), 28 * 28);
            labels.append(char(c));
        }
    }
    const auto count = quint32(perClass * std::size(kClasses));
    return {writeFile(dir, name + "-images-idx3-ubyte", idx({count, 28, 28}, images)),
            writeFile(dir, name + "-labels-idx1-ubyte", idx({count}, labels))};
}

Project smallCnn()
{
    Project p;
    Graph &g = p.graph;
    g.addNode({"in", "Input", "in", {{"channels", 1}, {"height", 28}, {"width", 28}}});
    g.addNode({"conv1", "Conv2D", "conv1", {{"filters", 8}, {"kernel", 3}}});
    g.addNode({"relu1", "ReLU", "relu1", nlohmann::json::object()});
    g.addNode({"pool1", "MaxPool2D", "pool1", {{"pool", 2}}});
    g.addNode({"flat", "Flatten", "flat", nlohmann::json::object()});
    g.addNode({"fc1", "Dense", "fc1", {{"units", 32}}});
    g.addNode({"relu2", "ReLU", "relu2", nlohmann::json::object()});
    g.addNode({"fc2", "Dense", "fc2", {{"units", 3}}});
    g.addNode({"softmax", "Softmax", "softmax", nlohmann::json::object()});
    const char *chain[] = {"in",  "conv1", "relu1", "pool1",  "flat",
                           "fc1", "relu2", "fc2",   "softmax"};
    for (size_t i = 0; i + 1 < std::size(chain); ++i)
        g.connect({{chain[i], 0}, {chain[i + 1], 0}});
    p.dataset.normalization = "scale";
    p.dataset.classNames = {"Sneaker", "T-shirt", "Trouser"};
    p.training.epochs = 2;
    p.training.batchSize = 32;
    p.training.optimizer.type = "adam";
    p.training.optimizer.lr = 0.001;
    p.training.seed = 7;
    p.training.threads = 1;
    return p;
}

double trainedAccuracy(const Project &p, const std::string &baseDir)
{
    Trainer t(p, baseDir, {});
    const FinishedEvent f = t.run();
    if (f.reason != FinishedEvent::Reason::Completed || !f.testAccuracy)
        qFatal("training did not complete: %s", f.message.c_str());
    return *f.testAccuracy;
}

} // namespace

class TestImageFolderTraining : public QObject
{
    Q_OBJECT

private slots:
    void foldersTrainAsWellAsIdx();
    void aStopEndsTheLoad();
};

void TestImageFolderTraining::foldersTrainAsWellAsIdx()
{
    if (!std::filesystem::exists(kFashion + "train-images-idx3-ubyte.gz"))
        QSKIP("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
    QTemporaryDir dir;
    const auto [trainImages, trainLabels] = writeSplit(
        dir, "train",
        loadIdx(kFashion + "train-images-idx3-ubyte.gz", kFashion + "train-labels-idx1-ubyte.gz"),
        600);
    const auto [testImages, testLabels] = writeSplit(
        dir, "test",
        loadIdx(kFashion + "t10k-images-idx3-ubyte.gz", kFashion + "t10k-labels-idx1-ubyte.gz"),
        200);
    const std::string base = dir.path().toStdString();

    Project folders = smallCnn();
    folders.dataset.kind = "image_folder";
    folders.dataset.trainFolder = "train";
    folders.dataset.testFolder = "test";
    folders.dataset.imageHeight = folders.dataset.imageWidth = 28;
    folders.dataset.color = "grayscale";
    Project idxFiles = smallCnn();
    idxFiles.dataset.kind = "idx";
    idxFiles.dataset.trainImages = trainImages;
    idxFiles.dataset.trainLabels = trainLabels;
    idxFiles.dataset.testImages = testImages;
    idxFiles.dataset.testLabels = testLabels;

    // The same samples, labels and order from both loaders.
    const DatasetBundle a = loadDataset(folders.dataset, base);
    const DatasetBundle b = loadDataset(idxFiles.dataset, base);
    QCOMPARE(a.train.size(), 1800);
    QCOMPARE(a.test->size(), 600);
    QCOMPARE(a.train.classNames, b.train.classNames);
    QCOMPARE(a.train.labels, b.train.labels);
    QCOMPARE(a.test->labels, b.test->labels);
    QVERIFY(a.train.features == b.train.features);
    QVERIFY(a.test->features == b.test->features);

    const double fromFolders = trainedAccuracy(folders, base);
    const double fromIdx = trainedAccuracy(idxFiles, base);
    qInfo("test accuracy after 2 epochs: %.4f from the folders, %.4f from IDX", fromFolders,
          fromIdx);
    QVERIFY2(std::abs(fromFolders - fromIdx) <= 0.01,
             qPrintable(QStringLiteral("%1 vs %2").arg(fromFolders).arg(fromIdx)));
    QVERIFY2(fromFolders > 0.9, qPrintable(QString::number(fromFolders))); // it learnt
}

// A stop (here asked before the run begins, as the studio's Stop can be pressed while the
// pictures decode) ends the load at its next picture: the run ends stopped, nothing trained.
void TestImageFolderTraining::aStopEndsTheLoad()
{
    QTemporaryDir dir;
    std::vector<uint8_t> gray(28 * 28);
    for (const Picked &c : kClasses)
        for (int i = 0; i < 20; ++i) {
            const QString path =
                dir.filePath(QStringLiteral("train/%1/%2.png").arg(c.folder).arg(i));
            QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
            std::fill(gray.begin(), gray.end(), uint8_t(i * 10 + c.label));
            QVERIFY(stbi_write_png(path.toStdString().c_str(), 28, 28, 1, gray.data(), 28));
        }
    Project p = smallCnn();
    p.dataset.kind = "image_folder";
    p.dataset.trainFolder = "train";
    p.dataset.imageHeight = p.dataset.imageWidth = 28;
    p.dataset.color = "grayscale";
    p.training.validationSplit = 0.2;
    std::vector<std::string> messages;
    TrainerOptions o;
    o.observer = [&](const TrainingEvent &e) {
        if (const auto *log = std::get_if<LogEvent>(&e))
            messages.push_back(log->message);
    };
    Trainer stopped(p, dir.path().toStdString(), o);
    stopped.stop();
    const FinishedEvent f = stopped.run();
    QCOMPARE(toString(f.reason), toString(FinishedEvent::Reason::Stopped));
    QVERIFY2(f.message.find("while loading the dataset") != std::string::npos, f.message.c_str());
    QCOMPARE(f.epochsRun, 0);
    QVERIFY(stopped.history().empty());
    QVERIFY(std::find(messages.begin(), messages.end(), f.message) != messages.end());
    // Without a stop the same project trains.
    Trainer whole(p, dir.path().toStdString(), {});
    QCOMPARE(toString(whole.run().reason), toString(FinishedEvent::Reason::Completed));
}

QTEST_APPLESS_MAIN(TestImageFolderTraining)
#include "test_image_folder_training.moc"
