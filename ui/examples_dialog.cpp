#include "ui/examples_dialog.h"

#include "ui/document.h"
#include "ui/theme.h"

#include <strata/dataset.h>
#include <strata/layer.h>
#include <strata/shape_inference.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <tuple>

namespace strata::ui {

namespace {

constexpr int kFontPixels = 12;
constexpr int kBoxHeight = 19;
constexpr int kGap = 4;
constexpr int kMargin = 6;
constexpr int kMaxColumns = 3;

// Where the data of a kind of dataset comes from, for an example whose files are missing.
QString dataSource(const DatasetSpec &spec)
{
    if (spec.kind == "cifar10")
        return ExamplesDialog::tr("CIFAR-10's binary version (cifar-10-binary.tar.gz from "
                                  "https://www.cs.toronto.edu/~kriz/cifar.html)");
    if (spec.kind == "idx" && spec.trainImages.find("fashion-mnist") != std::string::npos)
        return ExamplesDialog::tr("Fashion-MNIST (the Debian package dataset-fashion-mnist)");
    if (spec.kind == "image_folder")
        return ExamplesDialog::tr("the pictures, one subfolder per class,");
    return ExamplesDialog::tr("the data files");
}

std::vector<Node> nodesInFlowOrder(const Graph &graph)
{
    std::vector<Node> nodes;
    try {
        for (const std::string &id : graph.topologicalOrder())
            if (const Node *n = graph.find(id))
                nodes.push_back(*n);
    } catch (const std::exception &) {
        nodes.clear(); // a cycle: the order of the file
    }
    if (nodes.size() != graph.nodes().size())
        nodes = graph.nodes();
    return nodes;
}

QString boxText(const Node &node)
{
    QString text = QString::fromStdString(node.type);
    const nlohmann::json &p = node.params;
    for (const char *key : {"units", "filters", "features"})
        if (p.contains(key) && p[key].is_number_integer())
            return text + QLatin1Char(' ') + QString::number(p[key].get<long long>());
    return text;
}

} // namespace

QString lessonGuidePath(const QString &projectPath)
{
    const QFileInfo project(projectPath);
    const QString guide = project.absolutePath() + QLatin1Char('/') + project.completeBaseName() +
                          QStringLiteral(".md");
    return QFileInfo(guide).isFile() ? guide : QString();
}

ExampleInfo describeExample(const Project &project, const QString &path)
{
    ExampleInfo info;
    info.path = path;
    const DatasetSpec &data = project.dataset;
    const bool gate =
        data.kind == "builtin" && (data.name == "or" || data.name == "and" || data.name == "xor");
    info.lesson = gate ? 1 : data.kind == "builtin" ? 2 : 3;
    info.guide = lessonGuidePath(path);
    if (!info.guide.isEmpty()) {
        info.lesson = 0;
        const QString name = QFileInfo(path).fileName();
        qsizetype digits = 0;
        while (digits < name.size() && name[digits].isDigit())
            ++digits;
        info.order = digits > 0 ? name.left(digits).toInt() : 0;
    }
    info.lessonTitle = info.lesson == 0         ? ExamplesDialog::tr("Lesson %1").arg(info.order)
                       : gate                   ? ExamplesDialog::tr("Logic gates")
                       : data.kind == "builtin" ? ExamplesDialog::tr("Generated data")
                                                : ExamplesDialog::tr("Real data sets");
    info.parameters = analyze(project.graph).totalParams;
    for (const std::string &f : missingDatasetFiles(data, projectBaseDir(toStd(path))))
        info.missingFiles << QDir::toNativeSeparators(toQString(f));
    if (!info.missingFiles.isEmpty()) {
        QStringList folders, names;
        for (const QString &f : info.missingFiles) {
            const QFileInfo file(f);
            if (!folders.contains(file.absolutePath()))
                folders << file.absolutePath();
            names << file.fileName();
        }
        const QString list =
            names.size() > 3 ? QStringLiteral("%1, %2 … %3").arg(names[0], names[1], names.last())
                             : names.join(QStringLiteral(", "));
        info.dataHint = ExamplesDialog::tr("Needs data: get %1 and put %2 in %3")
                            .arg(dataSource(data), list,
                                 QDir::toNativeSeparators(folders.join(QStringLiteral(", "))));
    }
    return info;
}

ThumbnailLayout modelThumbnailLayout(const Project &project, QSize size)
{
    ThumbnailLayout layout;
    const int layers = int(project.graph.nodes().size());
    layout.fontPixelSize = kFontPixels;
    layout.boxHeight = kBoxHeight;
    layout.rows = std::max(1, (size.height() - 2 * kMargin + kGap) / (kBoxHeight + kGap));
    layout.columns = std::clamp((layers + layout.rows - 1) / layout.rows, 1, kMaxColumns);
    const int capacity = layout.rows * layout.columns;
    layout.shown = layers <= capacity ? layers : capacity - 1;
    return layout;
}

QImage renderModelThumbnail(const Project &project, QSize size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(canvasColor());
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    painter.setPen(QColor(0xc4, 0xc9, 0xd0));
    painter.drawRect(image.rect().adjusted(0, 0, -1, -1));
    const std::vector<Node> nodes = nodesInFlowOrder(project.graph);
    if (nodes.empty())
        return image;
    const ThumbnailLayout layout = modelThumbnailLayout(project, size);
    QFont font = painter.font();
    font.setPixelSize(layout.fontPixelSize);
    font.setBold(true);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const int columnWidth =
        (size.width() - 2 * kMargin - (layout.columns - 1) * kGap * 2) / layout.columns;
    auto boxAt = [&](int i) {
        const int column = i / layout.rows, row = i % layout.rows;
        return QRect(kMargin + column * (columnWidth + 2 * kGap),
                     kMargin + row * (layout.boxHeight + kGap), columnWidth, layout.boxHeight);
    };
    for (int i = 0; i < layout.shown; ++i) {
        const Node &node = nodes[size_t(i)];
        const LayerType *type = LayerRegistry::instance().find(node.type);
        const QColor colour =
            categoryColor(type ? QString::fromStdString(type->category) : QString());
        const QRect box = boxAt(i);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(Qt::white);
        painter.drawText(box.adjusted(5, 0, -3, 0), Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(boxText(node), Qt::ElideRight, box.width() - 8));
    }
    if (layout.shown < int(nodes.size())) {
        const QRect box = boxAt(layout.shown);
        painter.setPen(QColor(0x5f, 0x67, 0x73));
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(box, 4, 4);
        painter.drawText(box, Qt::AlignCenter,
                         ExamplesDialog::tr("+%1 more").arg(int(nodes.size()) - layout.shown));
    }
    return image;
}

ExamplesDialog::ExamplesDialog(const QString &folder, QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("examplesDialog"));
    setWindowTitle(tr("Examples"));
    resize(820, 640);
    auto *intro = new QLabel(tr("Open a lesson or an example project. Its copy opens in the "
                                "editor; use Save As to keep your changes elsewhere."),
                             this);
    intro->setWordWrap(true);
    list_ = new QListWidget(this);
    list_->setIconSize(thumbnailSize());
    list_->setWordWrap(true);
    list_->setSpacing(4);
    list_->setAlternatingRowColors(true);

    struct Entry
    {
        ExampleInfo info;
        QString name, description, error;
        Project project;
    };
    std::vector<Entry> entries;
    const QDir dir(folder);
    QFileInfoList files = dir.entryInfoList({QStringLiteral("*.strata")}, QDir::Files, QDir::Name);
    files += QDir(dir.filePath(QLatin1String(kLessonsFolder)))
                 .entryInfoList({QStringLiteral("*.strata")}, QDir::Files, QDir::Name);
    for (const QFileInfo &file : files) {
        Entry e;
        e.info.path = file.absoluteFilePath();
        e.name = file.fileName();
        try {
            e.project = loadProject(toStd(file.absoluteFilePath()));
            e.info = describeExample(e.project, file.absoluteFilePath());
            e.name = toQString(e.project.name);
            e.description = toQString(e.project.description);
        } catch (const std::exception &error) {
            e.info.lesson = 99; // a broken example is listed last, with the reason
            e.error = QString::fromUtf8(error.what());
        }
        entries.push_back(std::move(e));
    }
    std::stable_sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        return std::tie(a.info.lesson, a.info.order, a.info.parameters) <
               std::tie(b.info.lesson, b.info.order, b.info.parameters);
    });
    // With lessons, two headed sections: the lessons, then the examples.
    const bool lessons = !entries.empty() && entries.front().info.lesson == 0;
    auto header = [this](const QString &text) {
        auto *item = new QListWidgetItem(text, list_);
        QFont bold = item->font();
        bold.setBold(true);
        bold.setPointSizeF(bold.pointSizeF() * 1.15);
        item->setFont(bold);
        item->setFlags(Qt::NoItemFlags);
        item->setForeground(palette().text());
    };
    if (lessons)
        header(tr("Lessons: a guided exercise each; its text opens beside the canvas"));
    bool examplesHeaded = !lessons;
    for (const Entry &e : entries) {
        if (!examplesHeaded && e.info.lesson != 0) {
            header(tr("Examples"));
            examplesHeaded = true;
        }
        auto *item = new QListWidgetItem(list_);
        item->setData(Qt::UserRole, e.info.path);
        if (!e.error.isEmpty()) {
            item->setText(QFileInfo(e.info.path).fileName() + QLatin1Char('\n') + e.error);
            item->setFlags(Qt::NoItemFlags);
            continue;
        }
        const QString where = e.info.lesson == 0
                                  ? tr("Guided lesson, its text beside the canvas")
                                  : tr("Level %1: %2").arg(e.info.lesson).arg(e.info.lessonTitle);
        QString text = QStringLiteral("%1\n%2 · %3 · %4\n%5")
                           .arg(e.name, where, tr("%L1 parameters").arg(e.info.parameters),
                                QFileInfo(e.info.path).fileName(), e.description);
        if (!e.info.dataHint.isEmpty()) {
            text += QLatin1Char('\n') + e.info.dataHint;
            item->setForeground(QColor(0x6b, 0x4e, 0x00));
            item->setToolTip(tr("Missing:\n%1").arg(e.info.missingFiles.join('\n')));
        } else {
            item->setToolTip(e.description);
        }
        item->setText(text);
        item->setIcon(QIcon(QPixmap::fromImage(renderModelThumbnail(e.project, thumbnailSize()))));
    }
    if (list_->count() == 0)
        list_->addItem(tr("No examples found in %1").arg(QDir::toNativeSeparators(folder)));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(list_, &QListWidget::itemDoubleClicked, this, &QDialog::accept);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(list_);
    layout->addWidget(buttons);
    for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->flags() & Qt::ItemIsSelectable) {
            list_->setCurrentRow(i); // the first lesson, or the first example
            break;
        }
}

QString ExamplesDialog::selectedPath() const
{
    const QListWidgetItem *item = list_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

} // namespace strata::ui
