#include "ui/boundary/neuron_maps.h"

#include "widgets/flow_layout.h"

#include <QEnterEvent>
#include <QEvent>
#include <QLabel>
#include <QPixmap>
#include <QPointer>
#include <QVBoxLayout>

namespace strata::ui {

namespace {

// A unit's picture; on hover the same picture, enlarged, in a window beside the pointer.
class NeuronThumbnail : public QLabel
{
public:
    explicit NeuronThumbnail(const QString &title, QWidget *parent) : QLabel(parent), title_(title)
    {
        setFixedSize(NeuronMaps::kThumbnailSide, NeuronMaps::kThumbnailSide);
        setFrameShape(QFrame::Box);
        setScaledContents(true);
        setToolTip(title);
    }
    ~NeuronThumbnail() override { delete enlarged_; }

    void setPicture(const QImage &image)
    {
        image_ = image;
        setPixmap(QPixmap::fromImage(image));
        if (enlarged_ && enlarged_->isVisible())
            showEnlarged();
    }

protected:
    void enterEvent(QEnterEvent *) override { showEnlarged(); }
    void leaveEvent(QEvent *) override
    {
        if (enlarged_)
            enlarged_->hide();
    }
    void hideEvent(QHideEvent *) override
    {
        if (enlarged_)
            enlarged_->hide();
    }

private:
    void showEnlarged()
    {
        if (image_.isNull())
            return;
        if (!enlarged_) {
            enlarged_ = new QLabel(nullptr, Qt::ToolTip);
            enlarged_->setObjectName(QStringLiteral("enlargedNeuronMap"));
            enlarged_->setStyleSheet(
                QStringLiteral("background: white; border: 1px solid #888; padding: 4px;"));
        }
        const QPixmap big =
            QPixmap::fromImage(image_.scaled(NeuronMaps::kEnlargedSide, NeuronMaps::kEnlargedSide,
                                             Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
        enlarged_->setPixmap(big);
        enlarged_->setToolTip(title_);
        enlarged_->adjustSize();
        enlarged_->move(mapToGlobal(QPoint(width() + 8, 0)));
        enlarged_->show();
    }

    QString title_;
    QImage image_;
    QLabel *enlarged_ = nullptr; // a top-level window: not a child
};

} // namespace

NeuronMaps::NeuronMaps(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("neuronMaps"));
    groups_ = new QVBoxLayout(this);
    groups_->setContentsMargins(0, 0, 0, 0);
    groups_->addStretch(1);
}

void NeuronMaps::clear()
{
    while (groups_->count() > 1) {
        QLayoutItem *item = groups_->takeAt(0);
        delete item->widget();
        delete item;
    }
    layers_.clear();
    thumbnails_.clear();
}

void NeuronMaps::setMaps(const std::vector<QString> &layers,
                         const std::vector<std::vector<QImage>> &maps)
{
    bool same = layers == layers_ && maps.size() == thumbnails_.size();
    for (size_t i = 0; same && i < maps.size(); ++i)
        same = maps[i].size() == thumbnails_[i].size();
    if (!same) {
        clear();
        layers_ = layers;
        for (size_t i = 0; i < maps.size(); ++i) {
            auto *group = new QWidget(this);
            auto *column = new QVBoxLayout(group);
            column->setContentsMargins(0, 0, 0, 4);
            column->setSpacing(2);
            const QString name = i < layers.size() ? layers[i] : QString::number(i);
            auto *title =
                new QLabel(tr("%1 (%n unit(s))", nullptr, int(maps[i].size())).arg(name), group);
            column->addWidget(title);
            auto *flow = new widgets::FlowLayout(nullptr, 3, 3);
            column->addLayout(flow);
            std::vector<QLabel *> row;
            for (size_t u = 0; u < maps[i].size(); ++u) {
                auto *thumb = new NeuronThumbnail(
                    tr("%1, unit %2: its output over the plane (blue below 0, white 0, orange "
                       "above)")
                        .arg(name)
                        .arg(u + 1),
                    group);
                flow->addWidget(thumb);
                row.push_back(thumb);
            }
            thumbnails_.push_back(std::move(row));
            groups_->insertWidget(groups_->count() - 1, group);
        }
    }
    for (size_t i = 0; i < maps.size(); ++i)
        for (size_t u = 0; u < maps[i].size(); ++u)
            static_cast<NeuronThumbnail *>(thumbnails_[i][u])->setPicture(maps[i][u]);
}

int NeuronMaps::mapCount() const
{
    int n = 0;
    for (const auto &row : thumbnails_)
        n += int(row.size());
    return n;
}

QLabel *NeuronMaps::thumbnail(int layer, int unit) const
{
    if (layer < 0 || layer >= int(thumbnails_.size()) || unit < 0 ||
        unit >= int(thumbnails_[size_t(layer)].size()))
        return nullptr;
    return thumbnails_[size_t(layer)][size_t(unit)];
}

} // namespace strata::ui
