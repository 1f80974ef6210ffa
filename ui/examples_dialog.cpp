#include "ui/examples_dialog.h"

#include "ui/document.h"
#include "ui/editor/node_scene.h"
#include "ui/theme.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QVBoxLayout>

namespace strata::ui {

QImage renderModelThumbnail(const Project &project, QSize size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(canvasColor());
    Document document;
    document.reset(project);
    NodeScene scene(&document);
    const QRectF source = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20);
    if (source.isEmpty())
        return image;
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                           QPainter::SmoothPixmapTransform);
    scene.render(&painter, QRectF(QPointF(0, 0), size), source, Qt::KeepAspectRatio);
    painter.setPen(QColor(0xc4, 0xc9, 0xd0));
    painter.drawRect(image.rect().adjusted(0, 0, -1, -1));
    return image;
}

ExamplesDialog::ExamplesDialog(const QString &folder, QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("examplesDialog"));
    setWindowTitle(tr("Examples"));
    resize(760, 600);
    auto *intro = new QLabel(tr("Open an example project. Its copy opens in the editor; "
                                "use Save As to keep your changes elsewhere."),
                             this);
    intro->setWordWrap(true);
    list_ = new QListWidget(this);
    list_->setIconSize(QSize(150, 150));
    list_->setWordWrap(true);
    list_->setSpacing(4);
    list_->setAlternatingRowColors(true);
    const QDir dir(folder);
    for (const QFileInfo &info :
         dir.entryInfoList({QStringLiteral("*.strata")}, QDir::Files, QDir::Name)) {
        auto *item = new QListWidgetItem(list_);
        item->setData(Qt::UserRole, info.absoluteFilePath());
        try {
            const Project project = loadProject(toStd(info.absoluteFilePath()));
            item->setText(
                QStringLiteral("%1\n%2  ·  %3")
                    .arg(toQString(project.name), toQString(project.description), info.fileName()));
            item->setIcon(QIcon(QPixmap::fromImage(renderModelThumbnail(project, {150, 150}))));
            item->setToolTip(toQString(project.description));
        } catch (const std::exception &e) {
            // A broken example is listed with the reason, not hidden.
            item->setText(info.fileName() + QLatin1Char('\n') + QString::fromUtf8(e.what()));
            item->setFlags(Qt::NoItemFlags);
        }
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
    if (list_->count() > 0)
        list_->setCurrentRow(0);
}

QString ExamplesDialog::selectedPath() const
{
    const QListWidgetItem *item = list_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

} // namespace strata::ui
