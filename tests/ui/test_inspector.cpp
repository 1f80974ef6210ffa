// The inspector builds its editors from the layer registry's schema and writes through the
// document's undoable commands; refused values are shown and not applied.

#include "ui/document.h"
#include "ui/inspector/inspector.h"
#include "ui/inspector/node_form.h"
#include "ui/inspector/settings_forms.h"

#include <strata/backend.h>

#include "dialog_answer.h"
#include "qtest_strings.h"
#include "source_dir.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

class TestInspector : public QObject
{
    Q_OBJECT

private slots:
    void buildsEditorsFromTheSchema();
    void spinBoxPushesUndoableSetParam();
    void outOfRangeValueIsRefused();
    void renameAndChoice();
    void followsUndoAndRemoval();
    void projectSettingsWhenNothingSelected();
    void precisionChoice();
    void unusedSizesSayNotUsed();
    void explicitPaddingFields();
    void textParameterEditsShape();
    void imageFolderForm();
    void augmentationForm();
};

void TestInspector::buildsEditorsFromTheSchema()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({"conv2d"});
    NodeForm *form = inspector.nodeForm();
    QCOMPARE(form->nodeId(), QStringLiteral("conv2d"));
    auto *filters = qobject_cast<QSpinBox *>(form->editor("filters"));
    QVERIFY(filters);
    QCOMPARE(filters->value(), 32);
    QCOMPARE(filters->minimum(), 1);
    QCOMPARE(filters->maximum(), 65536);
    QVERIFY(filters->toolTip().contains("output channels"));
    QVERIFY(qobject_cast<QComboBox *>(form->editor("padding")));
    QCOMPARE(qobject_cast<QComboBox *>(form->editor("padding"))->currentText(),
             QStringLiteral("valid"));
    QVERIFY(qobject_cast<QCheckBox *>(form->editor("bias")));
    QVERIFY(qobject_cast<QCheckBox *>(form->editor("bias"))->isChecked());
    QCOMPARE(form->nameEdit()->text(), QStringLiteral("conv2d"));
    QVERIFY(form->statusLabel()->text().contains("32×26×26"));

    inspector.showNodes({"dense"});
    QVERIFY(!form->editor("filters"));
    QCOMPARE(qobject_cast<QSpinBox *>(form->editor("units"))->value(), 1024);

    // A Float parameter gets a number box.
    QString dropout;
    doc.addNode("Dropout", {}, &dropout);
    inspector.showNodes({dropout});
    auto *rate = qobject_cast<QDoubleSpinBox *>(form->editor("rate"));
    QVERIFY(rate);
    QCOMPARE(rate->value(), 0.5);
    QCOMPARE(rate->maximum(), 1.0);
}

void TestInspector::spinBoxPushesUndoableSetParam()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    const std::string original = toJson(doc.project()).dump();
    Inspector inspector(&doc);
    inspector.showNodes({"conv2d"});
    auto *filters = qobject_cast<QSpinBox *>(inspector.nodeForm()->editor("filters"));
    filters->setValue(16);
    QCOMPARE(doc.undoStack()->count(), 1);
    QVERIFY(doc.graph().find("conv2d")->params["filters"] == nlohmann::json(16));
    QCOMPARE(doc.analysis().find("conv2d")->output, (Shape{16, 26, 26}));
    QCOMPARE(doc.analysis().find("conv2d")->params, int64_t(16 * 9 + 16));
    QVERIFY(inspector.nodeForm()->statusLabel()->text().contains("16×26×26"));

    doc.undoStack()->undo();
    QCOMPARE(filters->value(), 32); // the editor follows the undo
    QCOMPARE(toJson(doc.project()).dump(), original);
    QVERIFY(inspector.nodeForm()->statusLabel()->text().contains("32×26×26"));
}

// A text parameter (Reshape's shape) is a line edit; what it says reaches the shape rule, and
// edits of it are undoable (consecutive ones merge into one step, as a spin box's do).
void TestInspector::textParameterEditsShape()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    QString id;
    QVERIFY(doc.addNode("Reshape", QPointF(0, 0), &id).isEmpty());
    QVERIFY(doc.connectPorts({{"max_pooling2d", 0}, {id.toStdString(), 0}}).isEmpty());
    const Shape pooled = doc.analysis().find("max_pooling2d")->output;
    Inspector inspector(&doc);
    inspector.showNodes({id});
    auto *shape = qobject_cast<QLineEdit *>(inspector.nodeForm()->editor("shape"));
    QVERIFY(shape);
    QCOMPARE(shape->text(), QStringLiteral("-1"));
    QCOMPARE(doc.analysis().find(id.toStdString())->output, (Shape{numel(pooled)}));
    const int steps = doc.undoStack()->count();
    shape->setText(QString::number(pooled[0]) + ", -1");
    emit shape->editingFinished();
    QCOMPARE(doc.analysis().find(id.toStdString())->output,
             (Shape{pooled[0], pooled[1] * pooled[2]}));
    shape->setText("10, 10");
    emit shape->editingFinished();
    const std::string why = doc.analysis().find(id.toStdString())->message;
    QVERIFY2(why.find("cannot lay " + toString(pooled)) != std::string::npos, why.c_str());
    QCOMPARE(doc.undoStack()->count(), steps + 1);
    doc.undoStack()->undo();
    QCOMPARE(shape->text(), QStringLiteral("-1"));
    QCOMPARE(doc.analysis().find(id.toStdString())->output, (Shape{numel(pooled)}));
}

void TestInspector::outOfRangeValueIsRefused()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({"dense"});
    NodeForm *form = inspector.nodeForm();
    auto *units = qobject_cast<QSpinBox *>(form->editor("units"));
    // The spin box itself cannot go below the schema's minimum...
    units->setValue(-5);
    QCOMPARE(units->value(), 1);
    // ...and a value that reaches the document anyway is refused with the engine's message.
    const QString why = form->applyParam("units", 0);
    QVERIFY2(why.contains("units"), qPrintable(why));
    QCOMPARE(form->refusal(), why);
    QVERIFY(doc.graph().find("dense")->params["units"] == nlohmann::json(1));
    QCOMPARE(units->value(), 1);
    const int steps = doc.undoStack()->count();
    form->applyParam("units", "wide");
    QCOMPARE(doc.undoStack()->count(), steps);
    // A good value clears the message.
    units->setValue(128);
    QCOMPARE(form->refusal(), QString());
    QCOMPARE(doc.analysis().find("dense")->output, (Shape{128}));
}

void TestInspector::renameAndChoice()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({"conv2d"});
    NodeForm *form = inspector.nodeForm();
    form->nameEdit()->setText("first_conv");
    emit form->nameEdit()->editingFinished();
    QCOMPARE(doc.graph().find("conv2d")->name, std::string("first_conv"));
    auto *padding = qobject_cast<QComboBox *>(form->editor("padding"));
    const int same = padding->findText("same");
    padding->setCurrentIndex(same);
    emit padding->activated(same);
    QCOMPARE(doc.analysis().find("conv2d")->output, (Shape{32, 28, 28}));
    QCOMPARE(doc.undoStack()->count(), 2);
}

void TestInspector::followsUndoAndRemoval()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({"fc2"});
    doc.removeNodes({"fc2"});
    QCOMPARE(inspector.nodeForm()->nodeId(), QString());
    inspector.showNodes({"fc1", "fc3"});
    QVERIFY(!inspector.showsProject());
    inspector.showNodes({});
    QVERIFY(inspector.showsProject());
}

void TestInspector::projectSettingsWhenNothingSelected()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({});
    TrainingForm *training = inspector.trainingForm();
    auto *epochs = training->findChild<QSpinBox *>("epochs");
    QVERIFY(epochs);
    QCOMPARE(epochs->value(), 200);
    epochs->setValue(20);
    QCOMPARE(doc.project().training.epochs, 20);
    auto *optimizer = training->findChild<QComboBox *>("optimizer");
    QCOMPARE(optimizer->currentData().toString(), QStringLiteral("adam"));
    const int sgd = optimizer->findData("sgd");
    optimizer->setCurrentIndex(sgd);
    emit optimizer->activated(sgd);
    QCOMPARE(doc.project().training.optimizer.type, std::string("sgd"));
    // The device list comes from the engine; the CPU is always there and available.
    auto *device = training->findChild<QComboBox *>("device");
    QVERIFY(device->findData("cpu") >= 0);
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(epochs->value(), 200);
    QCOMPARE(optimizer->currentData().toString(), QStringLiteral("adam"));

    // Nesterov without momentum is refused by the engine, and the box goes back.
    optimizer->setCurrentIndex(sgd);
    emit optimizer->activated(sgd);
    QCheckBox *box = nullptr;
    for (QCheckBox *b : training->findChildren<QCheckBox *>())
        if (b->text() == "Nesterov")
            box = b;
    QVERIFY(box);
    box->setChecked(true);
    QVERIFY(!training->refusal().isEmpty());
    QVERIFY(!doc.project().training.optimizer.nesterov);
    QVERIFY(!box->isChecked());

    // Dataset: the kind switch is undoable too.
    DatasetForm *dataset = inspector.datasetForm();
    auto *kind = dataset->findChild<QComboBox *>("datasetKind");
    QCOMPARE(kind->currentData().toString(), QStringLiteral("builtin"));
    auto *name = dataset->findChild<QComboBox *>("datasetName");
    const int moons = name->findData("moons");
    name->setCurrentIndex(moons);
    emit name->activated(moons);
    QCOMPARE(doc.project().dataset.name, std::string("moons"));
    doc.undoStack()->undo();
    QCOMPARE(name->currentData().toString(), QStringLiteral("spirals"));
}

// The training precision: fp32 or bf16 mixed precision, undoable; bf16 is offered only where
// the CPU computes it natively, and otherwise says why.
void TestInspector::precisionChoice()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({});
    auto *precision = inspector.trainingForm()->findChild<QComboBox *>("precision");
    QVERIFY(precision);
    QCOMPARE(precision->currentData().toString(), QStringLiteral("fp32"));
    const int bf16 = precision->findData("bf16");
    QVERIFY(bf16 >= 0);
    const QString missing =
        QString::fromStdString(createBackend("cpu")->precisionRefusal(Precision::Bf16));
    auto *items = qobject_cast<QStandardItemModel *>(precision->model());
    QCOMPARE(items->item(bf16)->isEnabled(), missing.isEmpty());
    if (!missing.isEmpty()) {
        QCOMPARE(items->item(bf16)->toolTip(), missing);
        return;
    }
    precision->setCurrentIndex(bf16);
    emit precision->activated(bf16);
    QCOMPARE(doc.project().training.precision, std::string("bf16"));
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Set precision to bf16"));
    doc.undoStack()->undo();
    QCOMPARE(doc.project().training.precision, std::string("fp32"));
    QCOMPARE(precision->currentData().toString(), QStringLiteral("fp32"));
}

// An Input of 2 features showed channels, height and width as 0 beside features 2, and a
// pooling stride of 0 as 0: they say what the 0 means instead.
void TestInspector::unusedSizesSayNotUsed()
{
    Document doc;
    doc.load(examplePath("or_gate.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({"x"});
    NodeForm *form = inspector.nodeForm();
    for (const char *name : {"channels", "height", "width"}) {
        auto *box = qobject_cast<QSpinBox *>(form->editor(name));
        QVERIFY2(box, name);
        QCOMPARE(box->value(), 0);
        QCOMPARE(box->text(), QStringLiteral("not used (features)"));
    }
    auto *features = qobject_cast<QSpinBox *>(form->editor("features"));
    QCOMPARE(features->text(), QStringLiteral("2"));
    // Giving it an image size turns the marks around.
    doc.setParam("x", "channels", 1);
    QCOMPARE(qobject_cast<QSpinBox *>(form->editor("channels"))->text(), QStringLiteral("1"));
    QCOMPARE(features->text(), QStringLiteral("2 (not used)"));

    Document cnn;
    cnn.load(examplePath("keras_mnist_cnn.strata"));
    Inspector cnnInspector(&cnn);
    cnnInspector.showNodes({"input"});
    QCOMPARE(qobject_cast<QSpinBox *>(cnnInspector.nodeForm()->editor("height"))->text(),
             QStringLiteral("28"));
    // features keeps its default of 2, which an image Input ignores.
    QCOMPARE(qobject_cast<QSpinBox *>(cnnInspector.nodeForm()->editor("features"))->text(),
             QStringLiteral("2 (not used)"));
}

// Conv2D's pads are used with padding "explicit" only; a side of -1 reads "same as pad".
void TestInspector::explicitPaddingFields()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    Inspector inspector(&doc);
    inspector.showNodes({"conv2d"});
    NodeForm *form = inspector.nodeForm();
    auto text = [&](const char *name) {
        auto *box = qobject_cast<QSpinBox *>(form->editor(name));
        return box ? box->text() : QStringLiteral("no editor");
    };
    QCOMPARE(text("pad"), QStringLiteral("0 (not used)"));
    QCOMPARE(text("pad_top"), QStringLiteral("same as pad (not used)"));
    QCOMPARE(text("dilation"), QStringLiteral("1"));
    QCOMPARE(text("groups"), QStringLiteral("1"));

    doc.setParam("conv2d", "padding", "explicit");
    QCOMPARE(text("pad"), QStringLiteral("0"));
    QCOMPARE(text("pad_top"), QStringLiteral("same as pad"));
    doc.setParam("conv2d", "pad", 1);
    doc.setParam("conv2d", "pad_left", 0);
    QCOMPARE(text("pad_left"), QStringLiteral("0"));
    QVERIFY2(form->statusLabel()->text().contains("32×28×27"),
             qPrintable(form->statusLabel()->text()));
}

// The dataset form's image folder rows: shown for that kind only, a folder picker, the size
// (a square until both sides are set), colour and skipping, each an undoable edit.
void TestInspector::imageFolderForm()
{
    Document doc;
    doc.load(examplePath("xor.strata"));
    Inspector inspector(&doc);
    DatasetForm *form = inspector.datasetForm();
    auto *kind = form->findChild<QComboBox *>("datasetKind");
    QWidget *trainFolder = form->findChild<QWidget *>("trainFolder");
    QWidget *trainCsv = form->findChild<QWidget *>("trainCsv");
    QVERIFY(trainFolder && trainCsv);
    QVERIFY(trainFolder->isHidden());

    const int index = kind->findData("image_folder");
    QVERIFY(index >= 0);
    QCOMPARE(kind->itemText(index), QStringLiteral("Image folders (one per class)"));
    kind->setCurrentIndex(index);
    emit kind->activated(index);
    const DatasetSpec &spec = doc.project().dataset;
    QCOMPARE(spec.kind, std::string("image_folder"));
    // A size to start from, so that the folder loads as soon as it is chosen.
    QCOMPARE(spec.imageHeight, 64);
    QCOMPARE(spec.imageWidth, 64);
    QVERIFY(!trainFolder->isHidden());
    QVERIFY(!form->findChild<QWidget *>("testFolder")->isHidden());
    QVERIFY(trainCsv->isHidden());
    QVERIFY(form->findChild<QWidget *>("trainImages")->isHidden());

    // The picker asks for a folder.
    QTemporaryDir pictures;
    QString mode;
    strata::test::answerNextDialog<QFileDialog>([&](QFileDialog *dialog) {
        mode = dialog->fileMode() == QFileDialog::Directory ? "folder" : "file";
        auto *name = dialog->findChild<QLineEdit *>("fileNameEdit");
        QVERIFY(name);
        name->setText(pictures.path());
        static_cast<QDialog *>(dialog)->accept();
    });
    trainFolder->findChild<QToolButton *>()->click();
    QTRY_COMPARE(spec.trainFolder, pictures.path().toStdString());
    QCOMPARE(mode, QStringLiteral("folder"));
    QCOMPARE(trainFolder->findChild<QLineEdit *>()->text(), pictures.path());

    auto *height = form->findChild<QSpinBox *>("imageHeight");
    auto *width = form->findChild<QSpinBox *>("imageWidth");
    QCOMPARE(height->value(), 64);
    height->setValue(28);
    width->setValue(32);
    QCOMPARE(spec.imageHeight, 28);
    QCOMPARE(spec.imageWidth, 32);
    auto *color = form->findChild<QComboBox *>("imageColor");
    const int gray = color->findData("grayscale");
    color->setCurrentIndex(gray);
    emit color->activated(gray);
    QCOMPARE(spec.color, std::string("grayscale"));
    auto *skip = form->findChild<QCheckBox *>("skipBadFiles");
    skip->setChecked(true);
    QVERIFY(spec.skipBadFiles);
    QVERIFY(form->refusal().isEmpty());

    doc.undoStack()->undo();
    QVERIFY(!spec.skipBadFiles);
    QVERIFY(!skip->isChecked());
    doc.undoStack()->undo();
    QCOMPARE(color->currentData().toString(), QStringLiteral("rgb"));

    // The other sides of a new size follow the first until both are chosen.
    DatasetSpec unsized = spec;
    unsized.imageHeight = unsized.imageWidth = 0;
    QCOMPARE(doc.setDatasetSpec(unsized), QString());
    QCOMPARE(height->text(), QStringLiteral("choose"));
    width->setValue(48);
    QCOMPARE(spec.imageHeight, 48);
    QCOMPARE(spec.imageWidth, 48);
}

// The augmentation rows: the picture transforms for picture sets only, noise for any set; each
// an undoable edit of the dataset's augmentation.
void TestInspector::augmentationForm()
{
    Document doc;
    doc.load(examplePath("xor.strata"));
    Inspector inspector(&doc);
    DatasetForm *form = inspector.datasetForm();
    auto *flip = form->findChild<QCheckBox *>("augmentFlip");
    auto *crop = form->findChild<QSpinBox *>("augmentCropPadding");
    auto *noise = form->findChild<QDoubleSpinBox *>("augmentNoise");
    QVERIFY(flip && crop && noise);
    QVERIFY(form->findChild<QWidget *>("augmentationHeading"));
    // A generated table: noise only.
    QVERIFY(flip->isHidden());
    QVERIFY(crop->isHidden());
    QVERIFY(!noise->isHidden());
    QCOMPARE(noise->text(), QStringLiteral("off"));
    noise->setValue(0.05);
    const DatasetSpec &spec = doc.project().dataset;
    QCOMPARE(spec.augmentation.noise, 0.05);

    DatasetSpec pictures = spec;
    pictures.kind = "idx";
    QCOMPARE(doc.setDatasetSpec(pictures), QString());
    QVERIFY(!flip->isHidden());
    QVERIFY(!crop->isHidden());
    for (const char *name :
         {"augmentTranslate", "augmentRotate", "augmentBrightness", "augmentContrast"})
        QVERIFY2(!form->findChild<QWidget *>(name)->isHidden(), name);
    flip->setChecked(true);
    crop->setValue(4);
    auto *rotate = form->findChild<QDoubleSpinBox *>("augmentRotate");
    rotate->setValue(15);
    QVERIFY(spec.augmentation.horizontalFlip);
    QCOMPARE(spec.augmentation.cropPadding, 4);
    QCOMPARE(spec.augmentation.rotate, 15.0);
    QCOMPARE(spec.augmentation.noise, 0.05);
    QVERIFY(form->refusal().isEmpty());
    doc.undoStack()->undo();
    QCOMPARE(spec.augmentation.rotate, 0.0);
    QCOMPARE(rotate->text(), QStringLiteral("off"));
    QCOMPARE(spec.augmentation.cropPadding, 4);
}

QTEST_MAIN(TestInspector)
#include "test_inspector.moc"
