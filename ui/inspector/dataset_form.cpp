#include "ui/document.h"
#include "ui/inspector/form_fields.h"
#include "ui/inspector/settings_forms.h"
#include "ui/theme.h"

#include <strata/dataset.h>

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace strata::ui {

namespace {

// Which dataset kinds show a row; empty: all.
const char *kKindsProperty = "strataKinds";

std::string joinPaths(const std::vector<std::string> &paths)
{
    std::string out;
    for (const std::string &p : paths)
        out += (out.empty() ? "" : "; ") + p;
    return out;
}

std::vector<std::string> splitPaths(const std::string &text)
{
    std::vector<std::string> out;
    for (const QString &part :
         QString::fromStdString(text).split(QLatin1Char(';'), Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty())
            out.push_back(part.trimmed().toStdString());
    return out;
}

} // namespace

DatasetForm::DatasetForm(Document *document, QWidget *parent) : QWidget(parent), document_(document)
{
    binder_ = std::make_unique<SpecBinder<DatasetSpec>>(
        this, [document] { return document->project().dataset; },
        [document](const DatasetSpec &s) { return document->setDatasetSpec(s); },
        [this](const QString &why) { showRefusal(why); });
    auto &b = *binder_;
    form_ = new QFormLayout(this);
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form_->setContentsMargins(0, 0, 0, 0);
    kind_ = new QComboBox(this);
    kind_->setObjectName(QStringLiteral("datasetKind"));
    kind_->addItem(tr("Built-in set"), QStringLiteral("builtin"));
    kind_->addItem(tr("IDX files (MNIST format)"), QStringLiteral("idx"));
    kind_->addItem(tr("CIFAR-10 binary batches"), QStringLiteral("cifar10"));
    kind_->addItem(tr("CSV table"), QStringLiteral("csv"));
    kind_->addItem(tr("Image folders (one per class)"), QStringLiteral("image_folder"));
    b.bind(
        kind_, [](const DatasetSpec &s) { return s.kind; },
        [](DatasetSpec &s, const std::string &v) {
            s.kind = v;
            // Pictures need a size to be resized to before they load: start with one.
            if (v == "image_folder" && (s.imageHeight <= 0 || s.imageWidth <= 0))
                s.imageHeight = s.imageWidth = 64;
        });
    addRow(tr("Source"), kind_, {}, tr("Where the samples come from"));

    // Built-in generated sets.
    auto *name = new QComboBox(this);
    name->setObjectName(QStringLiteral("datasetName"));
    for (const auto &[id, description] : builtinDatasets()) {
        name->addItem(QString::fromStdString(id), QString::fromStdString(id));
        name->setItemData(name->count() - 1, QString::fromStdString(description), Qt::ToolTipRole);
    }
    b.bind(
        name, [](const DatasetSpec &s) { return s.name; },
        [](DatasetSpec &s, const std::string &v) { s.name = v; });
    addRow(tr("Set"), name, {"builtin"}, tr("A generated classroom set"));
    auto *samples = new QSpinBox(this);
    samples->setObjectName(QStringLiteral("samples"));
    samples->setRange(0, 10'000'000);
    samples->setSpecialValueText(tr("natural size"));
    b.bind(
        samples, [](const DatasetSpec &s) { return s.samples; },
        [](DatasetSpec &s, int64_t v) { s.samples = v; });
    addRow(tr("Samples"), samples, {"builtin"}, tr("How many points to generate"));
    auto *noise = new NumberSpinBox(this);
    noise->setObjectName(QStringLiteral("noise"));
    noise->setRange(0, 10);
    noise->setSingleStep(0.05);
    b.bind(
        noise, [](const DatasetSpec &s) { return s.noise; },
        [](DatasetSpec &s, double v) { s.noise = v; });
    addRow(tr("Noise"), noise, {"builtin"}, tr("Standard deviation of the noise added to points"));
    auto *classes = new QSpinBox(this);
    classes->setObjectName(QStringLiteral("classes"));
    classes->setRange(0, 1000);
    classes->setSpecialValueText(tr("natural"));
    b.bind(
        classes, [](const DatasetSpec &s) { return s.classes; },
        [](DatasetSpec &s, int64_t v) { s.classes = int(v); });
    addRow(tr("Classes"), classes, {"builtin"}, tr("Number of classes (blobs, dummy)"));
    auto *features = new QSpinBox(this);
    features->setObjectName(QStringLiteral("features"));
    features->setRange(0, 100000);
    features->setSpecialValueText(tr("default"));
    b.bind(
        features, [](const DatasetSpec &s) { return s.features; },
        [](DatasetSpec &s, int64_t v) { s.features = int(v); });
    addRow(tr("Features"), features, {"builtin"}, tr("Feature count of the dummy set"));
    auto *seed = new QSpinBox(this);
    seed->setObjectName(QStringLiteral("datasetSeed"));
    seed->setRange(0, std::numeric_limits<int>::max());
    b.bind(
        seed, [](const DatasetSpec &s) { return int64_t(s.seed); },
        [](DatasetSpec &s, int64_t v) { s.seed = uint64_t(v); });
    addRow(tr("Seed"), seed, {"builtin"}, tr("The same seed generates the same points"));

    // Files. Pickers write through the binder; the line edits are bound like any field.
    const QString idxFilter = tr("IDX files (*-ubyte *-ubyte.gz *.idx *.gz);;All files (*)");
    struct FileField
    {
        const char *object;
        QString label;
        QStringList kinds;
        QString filter;
        std::string DatasetSpec::*member;
        QString tip;
    };
    const FileField fields[] = {
        {"trainImages",
         tr("Train images"),
         {"idx"},
         idxFilter,
         &DatasetSpec::trainImages,
         tr("IDX file with the training images, e.g. train-images-idx3-ubyte.gz")},
        {"trainLabels",
         tr("Train labels"),
         {"idx"},
         idxFilter,
         &DatasetSpec::trainLabels,
         tr("IDX file with the training labels")},
        {"testImages",
         tr("Test images"),
         {"idx"},
         idxFilter,
         &DatasetSpec::testImages,
         tr("Optional: IDX test images")},
        {"testLabels",
         tr("Test labels"),
         {"idx"},
         idxFilter,
         &DatasetSpec::testLabels,
         tr("Optional: IDX test labels")},
        {"testFile",
         tr("Test batch"),
         {"cifar10"},
         tr("CIFAR-10 batches (*.bin)"),
         &DatasetSpec::testFile,
         tr("Optional: test_batch.bin")},
        {"classNamesFile",
         tr("Class names"),
         {"cifar10"},
         tr("Text files (*.txt)"),
         &DatasetSpec::classNamesFile,
         tr("Optional: batches.meta.txt, one name per line")},
        {"trainCsv",
         tr("Train CSV"),
         {"csv"},
         tr("CSV files (*.csv);;All files (*)"),
         &DatasetSpec::trainCsv,
         tr("A CSV table with a header row; one sample per line")},
        {"testCsv",
         tr("Test CSV"),
         {"csv"},
         tr("CSV files (*.csv);;All files (*)"),
         &DatasetSpec::testCsv,
         tr("Optional: the test table, same columns")},
    };
    auto *trainFiles =
        filePicker(QStringLiteral("trainFiles"), Pick::Files, tr("CIFAR-10 batches (*.bin)"),
                   tr("data_batch_1.bin … data_batch_5.bin, separated by ';'"));
    addRow(tr("Train batches"), trainFiles, {"cifar10"}, trainFiles->toolTip());
    b.bind(
        trainFiles->findChild<QLineEdit *>(),
        [](const DatasetSpec &s) { return joinPaths(s.trainFiles); },
        [](DatasetSpec &s, const std::string &v) { s.trainFiles = splitPaths(v); });
    for (const FileField &f : fields) {
        QWidget *picker = filePicker(QString::fromLatin1(f.object), Pick::File, f.filter, f.tip);
        addRow(f.label, picker, f.kinds, f.tip);
        const auto member = f.member;
        b.bind(
            picker->findChild<QLineEdit *>(), [member](const DatasetSpec &s) { return s.*member; },
            [member](DatasetSpec &s, const std::string &v) { s.*member = v; });
    }
    auto *labelColumn = new QLineEdit(this);
    labelColumn->setObjectName(QStringLiteral("labelColumn"));
    labelColumn->setPlaceholderText(tr("last column"));
    b.bind(
        labelColumn, [](const DatasetSpec &s) { return s.labelColumn; },
        [](DatasetSpec &s, const std::string &v) { s.labelColumn = v; });
    addRow(tr("Label column"), labelColumn, {"csv"}, tr("Column name or 0-based index"));
    addImageFolderRows();

    // Every kind.
    auto *limit = new QSpinBox(this);
    limit->setObjectName(QStringLiteral("limit"));
    limit->setRange(0, std::numeric_limits<int>::max());
    limit->setSpecialValueText(tr("all"));
    b.bind(
        limit, [](const DatasetSpec &s) { return s.limit; },
        [](DatasetSpec &s, int64_t v) { s.limit = v; });
    addRow(tr("Use at most"), limit, {},
           tr("Training samples to use (0: all), the first ones in the set; handy for quick "
              "experiments"));
    auto *testLimit = new QSpinBox(this);
    testLimit->setObjectName(QStringLiteral("testLimit"));
    testLimit->setRange(0, std::numeric_limits<int>::max());
    testLimit->setSpecialValueText(tr("all"));
    b.bind(
        testLimit, [](const DatasetSpec &s) { return s.testLimit; },
        [](DatasetSpec &s, int64_t v) { s.testLimit = v; });
    addRow(tr("Test samples"), testLimit, {"idx", "cifar10", "csv", "image_folder"},
           tr("Test samples to use (0: all)"));
    auto *normalization = new QComboBox(this);
    normalization->setObjectName(QStringLiteral("normalization"));
    normalization->addItem(tr("None"), QStringLiteral("none"));
    normalization->addItem(tr("Scale to [0, 1]"), QStringLiteral("scale"));
    normalization->addItem(tr("Standardize (mean 0, std 1)"), QStringLiteral("standardize"));
    b.bind(
        normalization, [](const DatasetSpec &s) { return s.normalization; },
        [](DatasetSpec &s, const std::string &v) { s.normalization = v; });
    addRow(tr("Normalization"), normalization, {},
           tr("Fitted on the training set and applied to both sets"));
    addAugmentationRows();

    refusal_ = new QLabel(this);
    refusal_->setWordWrap(true);
    refusal_->setStyleSheet(QStringLiteral("color: %1;").arg(errorColor().name()));
    refusal_->hide();
    form_->addRow(refusal_);

    connect(document, &Document::settingsChanged, this, &DatasetForm::refresh);
    refresh();
}

DatasetForm::~DatasetForm() = default;

void DatasetForm::addRow(const QString &label, QWidget *field, const QStringList &kinds,
                         const QString &tip)
{
    field->setToolTip(tip);
    field->setProperty(kKindsProperty, kinds);
    auto *l = new QLabel(label, this);
    l->setToolTip(tip);
    form_->addRow(l, field);
}

// Folders of pictures: the two folders, the size and colour every picture is given, and
// whether files that are not pictures stop the load.
void DatasetForm::addImageFolderRows()
{
    auto &b = *binder_;
    const QStringList kinds{QStringLiteral("image_folder")};
    const struct
    {
        const char *object;
        QString label;
        std::string DatasetSpec::*member;
        QString tip;
    } folders[] = {
        {"trainFolder", tr("Train folder"), &DatasetSpec::trainFolder,
         tr("A folder with one subfolder of pictures (PNG, JPEG, BMP) per class; the "
            "subfolders' names are the class names")},
        {"testFolder", tr("Test folder"), &DatasetSpec::testFolder,
         tr("Optional: the test pictures, in subfolders named as the training folder's")},
    };
    for (const auto &f : folders) {
        QWidget *picker = filePicker(QString::fromLatin1(f.object), Pick::Folder, {}, f.tip);
        addRow(f.label, picker, kinds, f.tip);
        const auto member = f.member;
        b.bind(
            picker->findChild<QLineEdit *>(), [member](const DatasetSpec &s) { return s.*member; },
            [member](DatasetSpec &s, const std::string &v) { s.*member = v; });
    }

    // Height × width; a side set while the other is unset sets both (a square).
    auto *size = new QWidget(this);
    auto *sizeLayout = new QHBoxLayout(size);
    sizeLayout->setContentsMargins(0, 0, 0, 0);
    auto *height = new QSpinBox(size);
    auto *width = new QSpinBox(size);
    height->setObjectName(QStringLiteral("imageHeight"));
    width->setObjectName(QStringLiteral("imageWidth"));
    for (QSpinBox *side : {height, width}) {
        side->setRange(0, kMaxImageSize);
        side->setSpecialValueText(tr("choose"));
    }
    sizeLayout->addWidget(height, 1);
    sizeLayout->addWidget(new QLabel(QStringLiteral("×"), size));
    sizeLayout->addWidget(width, 1);
    b.bind(
        height, [](const DatasetSpec &s) { return s.imageHeight; },
        [](DatasetSpec &s, int64_t v) {
            s.imageHeight = int(v);
            if (s.imageWidth <= 0)
                s.imageWidth = int(v);
        });
    b.bind(
        width, [](const DatasetSpec &s) { return s.imageWidth; },
        [](DatasetSpec &s, int64_t v) {
            s.imageWidth = int(v);
            if (s.imageHeight <= 0)
                s.imageHeight = int(v);
        });
    addRow(tr("Image size"), size, kinds,
           tr("Height × width in pixels: every picture is resized to it (bilinear), as the "
              "model's Input expects"));

    auto *color = new QComboBox(this);
    color->setObjectName(QStringLiteral("imageColor"));
    color->addItem(tr("RGB (3 channels)"), QStringLiteral("rgb"));
    color->addItem(tr("Grayscale (1 channel)"), QStringLiteral("grayscale"));
    b.bind(
        color, [](const DatasetSpec &s) { return s.color; },
        [](DatasetSpec &s, const std::string &v) { s.color = v; });
    addRow(tr("Colour"), color, kinds,
           tr("Every picture is converted to it (gray by ITU-R BT.601 luma)"));

    auto *skip = new QCheckBox(tr("Skip files that are not pictures"), this);
    skip->setObjectName(QStringLiteral("skipBadFiles"));
    b.bind(
        skip, [](const DatasetSpec &s) { return s.skipBadFiles; },
        [](DatasetSpec &s, bool v) { s.skipBadFiles = v; });
    addRow(tr("Bad files"), skip, kinds,
           tr("Off: a file that is not a readable picture stops the load, naming it. On: such "
              "files are skipped, and counted in a warning"));
}

QString DatasetForm::refusal() const
{
    return refusal_->isHidden() ? QString() : refusal_->text();
}

void DatasetForm::showRefusal(const QString &text)
{
    refusal_->setText(text);
    refusal_->setVisible(!text.isEmpty());
}

QWidget *DatasetForm::filePicker(const QString &objectName, Pick pick, const QString &filter,
                                 const QString &tip)
{
    auto *box = new QWidget(this);
    box->setObjectName(objectName);
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *edit = new QLineEdit(box);
    edit->setToolTip(tip);
    auto *browse = new QToolButton(box);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(pick == Pick::Folder ? tr("Choose a folder") : tr("Choose a file"));
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, pick, filter] {
        // Start where the project lives, as relative paths are resolved from there.
        const QString start = document_->filePath().isEmpty()
                                  ? QString()
                                  : QFileInfo(document_->filePath()).absolutePath();
        QStringList files;
        if (pick == Pick::Files)
            files = QFileDialog::getOpenFileNames(this, tr("Choose files"), start, filter);
        else if (QString f =
                     pick == Pick::Folder
                         ? QFileDialog::getExistingDirectory(this, tr("Choose a folder"), start)
                         : QFileDialog::getOpenFileName(this, tr("Choose a file"), start, filter);
                 !f.isEmpty())
            files << f;
        if (files.isEmpty())
            return;
        edit->setText(files.join(QStringLiteral("; ")));
        emit edit->editingFinished();
    });
    return box;
}

void DatasetForm::refresh()
{
    binder_->refresh();
    const QString kind = QString::fromStdString(document_->project().dataset.kind);
    for (int row = 0; row < form_->rowCount(); ++row) {
        QLayoutItem *item = form_->itemAt(row, QFormLayout::FieldRole);
        if (!item || !item->widget())
            continue;
        const QStringList kinds = item->widget()->property(kKindsProperty).toStringList();
        if (item->widget() != refusal_)
            form_->setRowVisible(row, kinds.isEmpty() || kinds.contains(kind));
    }
}

} // namespace strata::ui
