#include "ui/export_dialog.h"

#include "ui/background_task.h"

#include "strata/export.h"
#include "strata/weights_file.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace strata::ui {

namespace {

struct Format
{
    const char *id;
    const char *label;
    const char *suffix; // a file's suffix, or the folder name's ending
    bool folder;
    const char *help;
};

const Format kFormats[] = {
    {"onnx", QT_TRANSLATE_NOOP("ExportDialog", "ONNX model (.onnx)"), ".onnx", false,
     QT_TRANSLATE_NOOP("ExportDialog",
                       "One file, opset 13: runs in ONNX Runtime, OpenCV DNN, TensorRT…")},
    {"safetensors", QT_TRANSLATE_NOOP("ExportDialog", "Weights (.safetensors)"), ".safetensors",
     false,
     QT_TRANSLATE_NOOP("ExportDialog", "The weights with their class names and normalisation, "
                                       "readable by PyTorch tooling")},
    {"pytorch", QT_TRANSLATE_NOOP("ExportDialog", "PyTorch code (folder)"), "_pytorch", true,
     QT_TRANSLATE_NOOP("ExportDialog",
                       "A folder with a generated torch.nn.Module, its weights, train.py, and "
                       "train_ddp.py for several GPUs or machines (torchrun). Both save "
                       "trained.safetensors, which Strata opens again")},
    {"keras", QT_TRANSLATE_NOOP("ExportDialog", "Keras code (folder)"), "_keras", true,
     QT_TRANSLATE_NOOP("ExportDialog", "A folder with a generated Keras model, its weights and "
                                       "train.py, which saves trained.safetensors for Strata")},
};

const Format &formatById(const QString &id)
{
    for (const Format &f : kFormats)
        if (id == QLatin1String(f.id))
            return f;
    return kFormats[0];
}

// "Keras MNIST CNN" -> "keras_mnist_cnn", a name that is safe as a file and Python module.
QString fileStem(const std::string &projectName)
{
    QString stem;
    for (const QChar c : QString::fromStdString(projectName).toLower())
        stem += c.isLetterOrNumber() && c.unicode() < 128 ? c : QLatin1Char('_');
    while (stem.contains(QStringLiteral("__")))
        stem.replace(QStringLiteral("__"), QStringLiteral("_"));
    stem = stem.mid(stem.startsWith(QLatin1Char('_')) ? 1 : 0);
    if (stem.endsWith(QLatin1Char('_')))
        stem.chop(1);
    return stem.isEmpty() ? QStringLiteral("model") : stem;
}

} // namespace

ExportDialog::ExportDialog(const strata::Project &project, const QString &lastRunWeights,
                           const QString &startDir, QWidget *parent)
    : QDialog(parent), project_(project), lastRunWeights_(lastRunWeights),
      startDir_(startDir.isEmpty() ? QDir::homePath() : startDir)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export “%1”").arg(QString::fromStdString(project.name)));

    format_ = new QComboBox(this);
    format_->setObjectName(QStringLiteral("exportFormat"));
    for (const Format &f : kFormats)
        format_->addItem(tr(f.label), QString::fromLatin1(f.id));
    formatHelp_ = new QLabel(this);
    formatHelp_->setObjectName(QStringLiteral("exportFormatHelp"));
    formatHelp_->setWordWrap(true);
    formatHelp_->setStyleSheet(QStringLiteral("color: #5f6773;"));

    target_ = new QLineEdit(this);
    target_->setObjectName(QStringLiteral("exportTarget"));
    auto *browseTarget = new QToolButton(this);
    browseTarget->setText(QStringLiteral("…"));
    browseTarget->setToolTip(tr("Choose where to write"));
    auto *targetRow = new QHBoxLayout;
    targetRow->setSpacing(2);
    targetRow->addWidget(target_, 1);
    targetRow->addWidget(browseTarget);

    useLastRun_ = new QRadioButton(this);
    useLastRun_->setObjectName(QStringLiteral("useLastRun"));
    const bool haveRun = !lastRunWeights_.isEmpty() && QFileInfo::exists(lastRunWeights_);
    useLastRun_->setText(haveRun ? tr("The last training run")
                                 : tr("The last training run (train the model first)"));
    useLastRun_->setEnabled(haveRun);
    useFile_ = new QRadioButton(tr("A weights file:"), this);
    useFile_->setObjectName(QStringLiteral("useWeightsFile"));
    auto *group = new QButtonGroup(this);
    group->addButton(useLastRun_);
    group->addButton(useFile_);
    (haveRun ? useLastRun_ : useFile_)->setChecked(true);
    weightsFile_ = new QLineEdit(this);
    weightsFile_->setObjectName(QStringLiteral("weightsFile"));
    weightsFile_->setPlaceholderText(tr("final.safetensors, or train.py's trained.safetensors"));
    auto *browseWeights = new QToolButton(this);
    browseWeights->setText(QStringLiteral("…"));
    browseWeights->setToolTip(tr("Choose a .safetensors weights file"));
    auto *fileRow = new QHBoxLayout;
    fileRow->setSpacing(2);
    fileRow->addWidget(useFile_);
    fileRow->addWidget(weightsFile_, 1);
    fileRow->addWidget(browseWeights);
    auto *weightsBox = new QVBoxLayout;
    weightsBox->addWidget(useLastRun_);
    weightsBox->addLayout(fileRow);

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("Format"), format_);
    form->addRow(QString(), formatHelp_);
    form->addRow(tr("Write to"), targetRow);
    form->addRow(tr("Weights"), weightsBox);

    report_ = new QPlainTextEdit(this);
    report_->setObjectName(QStringLiteral("exportReport"));
    report_->setReadOnly(true);
    report_->setPlaceholderText(tr("What the export writes is listed here."));
    report_->setMinimumHeight(110);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Close, this);
    exportButton_ = buttons_->addButton(tr("Export"), QDialogButtonBox::ActionRole);
    exportButton_->setObjectName(QStringLiteral("exportButton"));
    exportButton_->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(report_, 1);
    layout->addWidget(buttons_);
    resize(560, 380);

    connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::updateTarget);
    connect(browseTarget, &QToolButton::clicked, this, &ExportDialog::browseTarget);
    connect(browseWeights, &QToolButton::clicked, this, &ExportDialog::browseWeights);
    connect(weightsFile_, &QLineEdit::textEdited, this, [this] { useFile_->setChecked(true); });
    connect(target_, &QLineEdit::textChanged, this, &ExportDialog::updateState);
    connect(weightsFile_, &QLineEdit::textChanged, this, &ExportDialog::updateState);
    connect(group, &QButtonGroup::buttonToggled, this, &ExportDialog::updateState);
    connect(exportButton_, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateTarget();
}

void ExportDialog::setFormat(const QString &format)
{
    format_->setCurrentIndex(std::max(0, format_->findData(format)));
}

QString ExportDialog::format() const
{
    return format_->currentData().toString();
}

void ExportDialog::setTarget(const QString &path)
{
    target_->setText(path);
}

QString ExportDialog::target() const
{
    return target_->text().trimmed();
}

void ExportDialog::setWeightsFile(const QString &path)
{
    weightsFile_->setText(path);
    useFile_->setChecked(true);
}

QString ExportDialog::weightsPath() const
{
    return useLastRun_->isChecked() ? lastRunWeights_ : weightsFile_->text().trimmed();
}

QString ExportDialog::reportText() const
{
    return report_->toPlainText();
}

bool ExportDialog::writesFolder() const
{
    return formatById(format()).folder;
}

void ExportDialog::updateTarget()
{
    const Format &f = formatById(format());
    formatHelp_->setText(tr(f.help));
    // Keep the folder and the name the user chose; only the ending follows the format.
    QString path = target();
    QFileInfo info(path.isEmpty() ? QDir(startDir_).filePath(fileStem(project_.name)) : path);
    QString stem = info.fileName();
    for (const Format &other : kFormats)
        if (stem.endsWith(QLatin1String(other.suffix))) {
            stem.chop(int(qstrlen(other.suffix)));
            break;
        }
    setTarget(QDir(info.path()).filePath(stem + QLatin1String(f.suffix)));
    updateState();
}

void ExportDialog::updateState()
{
    exportButton_->setEnabled(!running_ && !target().isEmpty() && !weightsPath().isEmpty());
}

void ExportDialog::browseTarget()
{
    const QString path =
        writesFolder()
            ? QFileDialog::getExistingDirectory(this, tr("Export into folder"),
                                                QFileInfo(target()).path())
            : QFileDialog::getSaveFileName(
                  this, tr("Export to file"), target(),
                  tr("%1 (*%2)").arg(format_->currentText(), formatById(format()).suffix));
    if (!path.isEmpty())
        setTarget(path);
}

void ExportDialog::browseWeights()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Weights to export"), startDir_,
                                                      tr("Weights (*.safetensors)"));
    if (!path.isEmpty())
        setWeightsFile(path);
}

void ExportDialog::showReport(const QString &text, bool error)
{
    report_->setPlainText(text);
    report_->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

bool ExportDialog::startExport()
{
    if (running_)
        return false;
    succeeded_ = false;
    if (weightsPath().isEmpty()) {
        showReport(tr("No weights to export: train the model first, or choose a weights file."),
                   true);
        return false;
    }
    if (target().isEmpty()) {
        showReport(tr("Choose where to write the export."), true);
        return false;
    }
    running_ = true;
    updateState();
    showReport(tr("Exporting…"), false);

    struct Outcome
    {
        bool ok = false;
        QString text;
    };
    // The work owns copies of its inputs and never sees the dialog; closed meanwhile, the
    // dialog takes its watcher with it and is not told.
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        running_ = false;
        succeeded_ = outcome.ok;
        showReport(outcome.text, !outcome.ok);
        updateState();
        emit exportFinished(outcome.ok);
    });
    watcher->setFuture(
        runInBackground([project = project_, weights = weightsPath().toStdString(),
                         format = format().toStdString(), out = target().toStdString()] {
            Outcome outcome;
            try {
                const ExportReport report =
                    exportModel(project, loadWeights(weights), exportFormatFromString(format), out);
                QStringList lines{ExportDialog::tr("Wrote:")};
                for (const std::string &f : report.files)
                    lines << QStringLiteral("  ") + QString::fromStdString(f);
                if (!report.notes.empty())
                    lines << ExportDialog::tr("Notes:");
                for (const std::string &n : report.notes)
                    lines << QStringLiteral("  ") + QString::fromStdString(n);
                outcome.ok = true;
                outcome.text = lines.join(QLatin1Char('\n'));
            } catch (const std::exception &e) {
                outcome.text = QString::fromUtf8(e.what());
            }
            return outcome;
        }));
    return true;
}

} // namespace strata::ui
