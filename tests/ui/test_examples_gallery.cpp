// The examples gallery: ordered by lesson (logic gates, generated data, real data sets) and
// by size within a lesson; an example whose data files are missing says which and where to
// put them; thumbnails name every layer at a legible size.

#include "ui/examples_dialog.h"
#include "ui/main_window.h"

#include "source_dir.h"

#include <strata/project.h>

#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

class TestExamplesGallery : public QObject
{
    Q_OBJECT

private slots:
    void orderedByLessonThenSize();
    void missingDataIsNamedWithItsFolder();
    void thumbnailsAreLegible();
};

void TestExamplesGallery::orderedByLessonThenSize()
{
    ExamplesDialog dialog(MainWindow::examplesDir());
    QStringList files, headers;
    for (int i = 0; i < dialog.list()->count(); ++i) {
        const QListWidgetItem *item = dialog.list()->item(i);
        const QString path = item->data(Qt::UserRole).toString();
        if (path.isEmpty()) { // a section's heading: not something to open
            QCOMPARE(item->flags(), Qt::NoItemFlags);
            headers << item->text();
            continue;
        }
        files << QFileInfo(path).fileName();
    }
    // The lessons first, by number; then the examples by level and, within a level, by
    // parameter count: LeNet (62,006), the shapes CNN (78,787), the CIFAR-10 CNN (122,570),
    // the MNIST CNN (9,467,274).
    const QStringList expected = {"1_or_gate.strata",
                                  "2_xor_needs_a_hidden_layer.strata",
                                  "3_spirals_need_depth.strata",
                                  "4_learning_rate_too_large.strata",
                                  "5_overfitting.strata",
                                  "or_gate.strata",
                                  "xor.strata",
                                  "spirals.strata",
                                  "keras_mlp_dummy.strata",
                                  "pytorch_cifar10_lenet.strata",
                                  "shapes_folder.strata",
                                  "keras_cifar10_cnn.strata",
                                  "keras_mnist_cnn.strata"};
    QCOMPARE(files, expected);
    QCOMPARE(headers.size(), 2);
    QVERIFY(headers[0].startsWith("Lessons"));
    QCOMPARE(headers[1], QStringLiteral("Examples"));
    QVERIFY(dialog.list()->item(1)->text().contains("Lesson 1: the OR gate"));
    QVERIFY(dialog.list()->item(7)->text().contains("Level 1: Logic gates"));
    QVERIFY(dialog.list()->item(13)->text().contains("Level 3: Real data sets"));
    // The first lesson is chosen.
    QCOMPARE(dialog.selectedPath(), examplePath("lessons/1_or_gate.strata"));
    const ExampleInfo lesson =
        describeExample(loadProject(examplePath("lessons/5_overfitting.strata").toStdString()),
                        examplePath("lessons/5_overfitting.strata"));
    QCOMPARE(lesson.lesson, 0);
    QCOMPARE(lesson.order, 5);
    QCOMPARE(lesson.guide, examplePath("lessons/5_overfitting.md"));
}

void TestExamplesGallery::missingDataIsNamedWithItsFolder()
{
    // A copy of the examples without the CIFAR-10 batches (as a fresh install has them).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const char *name : {"pytorch_cifar10_lenet.strata", "xor.strata"})
        QVERIFY(QFile::copy(examplePath(name), dir.filePath(name)));
    ExamplesDialog dialog(dir.path());
    QCOMPARE(dialog.list()->count(), 2);
    const QString xorText = dialog.list()->item(0)->text();
    QVERIFY2(!xorText.contains("Needs data"), qPrintable(xorText));
    const QString cifar = dialog.list()->item(1)->text();
    QVERIFY2(cifar.contains("Needs data"), qPrintable(cifar));
    QVERIFY2(cifar.contains("CIFAR-10"), qPrintable(cifar));
    QVERIFY2(cifar.contains("data_batch_1.bin"), qPrintable(cifar));
    const QString folder = QDir::toNativeSeparators(dir.filePath("data/cifar-10-batches-bin"));
    QVERIFY2(cifar.contains(folder), qPrintable(cifar));
    QVERIFY(dialog.list()->item(1)->toolTip().contains("test_batch.bin"));

    const ExampleInfo info = describeExample(loadProject(examplePath("xor.strata").toStdString()),
                                             examplePath("xor.strata"));
    QVERIFY(info.missingFiles.isEmpty());
    QCOMPARE(info.lesson, 1);

    // The shapes' pictures come with the examples (data/shapes beside them); a copy of the
    // project without them names the class folders' folder.
    const ExampleInfo shapes =
        describeExample(loadProject(examplePath("shapes_folder.strata").toStdString()),
                        examplePath("shapes_folder.strata"));
    QVERIFY2(shapes.missingFiles.isEmpty(), qPrintable(shapes.missingFiles.join(", ")));
    QCOMPARE(shapes.lesson, 3);
    QVERIFY(QFile::copy(examplePath("shapes_folder.strata"), dir.filePath("shapes.strata")));
    const ExampleInfo alone = describeExample(
        loadProject(dir.filePath("shapes.strata").toStdString()), dir.filePath("shapes.strata"));
    QVERIFY2(alone.dataHint.contains("pictures, one subfolder per class"),
             qPrintable(alone.dataHint));
    QVERIFY2(alone.dataHint.contains(QDir::toNativeSeparators(dir.filePath("data/shapes"))),
             qPrintable(alone.dataHint));
}

void TestExamplesGallery::thumbnailsAreLegible()
{
    ExamplesDialog dialog(MainWindow::examplesDir());
    QVERIFY(dialog.list()->iconSize().width() >= 200);
    QVERIFY(dialog.list()->iconSize().height() >= 140);
    for (const QString &name : QDir(MainWindow::examplesDir()).entryList({"*.strata"})) {
        const Project project = loadProject(examplePath(name).toStdString());
        const ThumbnailLayout layout =
            modelThumbnailLayout(project, ExamplesDialog::thumbnailSize());
        // Text of at least 11 px in boxes that hold it, each layer named (or counted).
        QVERIFY2(layout.fontPixelSize >= 11, qPrintable(name));
        QVERIFY(layout.boxHeight >= layout.fontPixelSize + 4);
        const int layers = int(project.graph.nodes().size());
        QVERIFY2(layout.shown == layers, qPrintable(name));
        // Not a blank canvas: the boxes are drawn.
        const QImage thumb = renderModelThumbnail(project, ExamplesDialog::thumbnailSize());
        QSet<QRgb> colors;
        for (int y = 0; y < thumb.height(); y += 2)
            for (int x = 0; x < thumb.width(); x += 2)
                colors.insert(thumb.pixel(x, y));
        QVERIFY(colors.size() > 5);
    }
}

QTEST_MAIN(TestExamplesGallery)
#include "test_examples_gallery.moc"
