#include "ui/editor/node_item.h"

#include "ui/auto_layout.h"
#include "ui/editor/node_scene.h"
#include "ui/theme.h"

#include <strata/layer.h>
#include <strata/memory.h>
#include <strata/summary.h>

#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace strata::ui {

namespace {

constexpr double kHeaderHeight = 22;
constexpr double kPortRadius = 5.5;
constexpr double kCorner = 6;

QString formatValue(const nlohmann::json &v)
{
    if (v.is_boolean())
        return v.get<bool>() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_number_float())
        return QString::number(v.get<double>(), 'g', 4);
    return QString::fromStdString(v.dump());
}

// "filters 32 · kernel 3 · stride 1": the first parameters of the schema, which registrations
// list most important first. Input shows the sample shape instead, which is what it means.
QString keyParameters(const Node &node, const LayerType *type, const NodeAnalysis *analysis)
{
    if (!type)
        return {};
    if (node.type == "Input" && analysis && analysis->status == NodeStatus::Ok)
        return QStringLiteral("sample ") + QString::fromStdString(toString(analysis->output));
    const nlohmann::json &resolved =
        analysis && analysis->resolvedParams.is_object() ? analysis->resolvedParams : node.params;
    // (Only on resolved parameters: a node's own may lack what unusedParams reads.)
    const std::vector<std::string> unused = analysis && analysis->resolvedParams.is_object()
                                                ? type->unusedParams(analysis->resolvedParams)
                                                : std::vector<std::string>{};
    QStringList parts;
    for (const ParamSpec &p : type->params) {
        if (parts.size() == 3)
            break;
        if (std::find(unused.begin(), unused.end(), p.name) != unused.end())
            continue; // "kernel 3" beside kernel_h and kernel_w, which replace it
        const nlohmann::json v = resolved.contains(p.name) ? resolved.at(p.name) : p.defaultValue;
        if (p.type == ParamType::Bool && v.is_boolean() && v == p.defaultValue)
            continue; // "bias yes" says nothing a user needs at a glance
        if (!p.unsetText.empty() && v.is_number() && v.get<double>() == p.min)
            continue; // "kernel_h 0" (same as kernel): neither says anything at a glance
        parts << QString::fromStdString(p.name) + QLatin1Char(' ') + formatValue(v);
    }
    if (parts.isEmpty() && analysis && analysis->status == NodeStatus::Ok)
        return QStringLiteral("out ") + QString::fromStdString(toString(analysis->output));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

PortItem::PortItem(NodeItem *node, bool output, int port)
    : QGraphicsEllipseItem(-kPortRadius, -kPortRadius, 2 * kPortRadius, 2 * kPortRadius, node),
      node_(node), output_(output), port_(port)
{
    setAcceptHoverEvents(true);
    setHighlighted(false);
    setCursor(Qt::CrossCursor);
    setZValue(2);
}

PortRef PortItem::ref() const
{
    return {node_->id().toStdString(), output_ ? 0 : port_};
}

void PortItem::setHighlighted(bool on, bool accepted)
{
    const double r = on ? kPortRadius + 2.5 : kPortRadius;
    setRect(-r, -r, 2 * r, 2 * r);
    QColor fill = output_ ? QColor(0x2e, 0x7d, 0x32) : QColor(0x3b, 0x6e, 0xa8);
    if (on && !accepted)
        fill = errorColor();
    setBrush(fill);
    setPen(QPen(Qt::white, 1.5));
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent *event)
{
    setHighlighted(true);
    QGraphicsEllipseItem::hoverEnterEvent(event);
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *event)
{
    setHighlighted(false);
    QGraphicsEllipseItem::hoverLeaveEvent(event);
}

NodeItem::NodeItem(const QString &id) : id_(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setZValue(1);
    output_ = new PortItem(this, true, 0);
    output_->setPos(kNodeWidth / 2, kHeight);
    output_->setToolTip(QObject::tr("Output: drag to an input port to link"));
}

void NodeItem::refresh(const Node &node, int inputCount, const NodeAnalysis *analysis)
{
    const LayerType *layer = LayerRegistry::instance().find(node.type);
    type_ = QString::fromStdString(node.type);
    name_ = QString::fromStdString(node.name.empty() ? node.id : node.name);
    category_ = layer ? QString::fromStdString(layer->category) : QString();
    keyParams_ = strata::ui::keyParameters(node, layer, analysis);
    status_ = analysis ? analysis->status : NodeStatus::Blocked;
    message_ = analysis ? QString::fromStdString(analysis->message) : QString();
    if (analysis && analysis->status == NodeStatus::Ok)
        weightText_ = analysis->params == 0
                          ? QObject::tr("no weights")
                          : QObject::tr("%1 params")
                                .arg(QString::fromStdString(groupThousands(analysis->params)));
    else
        weightText_.clear();

    QString tip = QStringLiteral("<b>%1</b> '%2'").arg(type_, name_.toHtmlEscaped());
    if (layer)
        tip += QStringLiteral("<br>") + QString::fromStdString(layer->help).toHtmlEscaped();
    if (analysis && analysis->status == NodeStatus::Ok)
        tip += QObject::tr("<br>Output %1 · %2 · %3 FLOPs")
                   .arg(QString::fromStdString(toString(analysis->output)), weightText_,
                        QString::fromStdString(humanCount(double(analysis->flops))));
    else if (!message_.isEmpty())
        tip += QStringLiteral("<br><span style='color:%1'>%2</span>")
                   .arg(status_ == NodeStatus::Error ? errorColor().name() : "#666666",
                        message_.toHtmlEscaped());
    baseTip_ = tip;
    updateToolTip();
    setOpacity(status_ == NodeStatus::Blocked ? 0.55 : 1.0);
    if (inputCount != static_cast<int>(inputs_.size()))
        rebuildPorts(inputCount);
    update();
}

void NodeItem::rebuildPorts(int inputCount)
{
    for (PortItem *p : inputs_)
        delete p;
    inputs_.clear();
    for (int i = 0; i < inputCount; ++i) {
        auto *port = new PortItem(this, false, i);
        port->setPos(kNodeWidth * (i + 1) / (inputCount + 1), 0);
        port->setToolTip(inputCount == 1 ? QObject::tr("Input: drag from an output port here")
                                         : QObject::tr("Input %1").arg(i));
        inputs_.push_back(port);
    }
}

PortItem *NodeItem::inputPort(int port) const
{
    return port >= 0 && port < static_cast<int>(inputs_.size()) ? inputs_[size_t(port)] : nullptr;
}

QRectF NodeItem::boundingRect() const
{
    // Room for the selection outline and the error badge poking out of the corner, and for
    // the unit pictures right of the card.
    const double maps = unitMaps_.empty() ? 0 : 6 + 2 * (kThumbnail + 2);
    return QRectF(0, 0, kNodeWidth, kHeight).adjusted(-3, -10, 10 + maps, 3);
}

void NodeItem::setUnitMaps(const std::vector<QImage> &maps)
{
    if (maps.empty() && unitMaps_.empty())
        return;
    if (maps.empty() != unitMaps_.empty())
        prepareGeometryChange();
    unitCount_ = static_cast<int>(maps.size());
    unitMaps_.assign(maps.begin(), maps.begin() + std::min<size_t>(maps.size(), kUnitThumbnails));
    setToolTip(maps.empty() ? QString()
                            : QObject::tr("%n unit(s): each picture is one unit's output over "
                                          "the plane of the two inputs (the Decision boundary "
                                          "panel shows them all, larger)",
                                          nullptr, unitCount_));
    update();
}

void NodeItem::paintUnitMaps(QPainter *painter)
{
    const double x0 = kNodeWidth + 6, step = kThumbnail + 2;
    for (size_t i = 0; i < unitMaps_.size(); ++i) {
        const QRectF cell(x0 + double(i % 2) * step, double(i / 2) * step, kThumbnail, kThumbnail);
        painter->drawImage(cell, unitMaps_[i]);
        painter->setPen(QPen(QColor(0xc4, 0xc9, 0xd0), 0.8));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(cell);
    }
    if (unitCount_ > static_cast<int>(unitMaps_.size())) {
        QFont small = painter->font();
        small.setPointSizeF(6.5);
        painter->setFont(small);
        painter->setPen(QColor(0x5f, 0x67, 0x73));
        painter->drawText(QRectF(x0, 4 * step - 1, 2 * step, 10), Qt::AlignLeft | Qt::AlignTop,
                          QStringLiteral("+%1").arg(unitCount_ - int(unitMaps_.size())));
    }
}

void NodeItem::setCost(const std::optional<NodeCost> &cost, int64_t batchSize)
{
    const bool same = cost.has_value() == cost_.has_value() &&
                      (!cost || (cost->share == cost_->share && cost->bytes == cost_->bytes &&
                                 cost->measured == cost_->measured &&
                                 cost->insideConsumer == cost_->insideConsumer));
    cost_ = cost;
    costBatch_ = batchSize;
    if (same)
        return;
    updateToolTip();
    update();
}

QString NodeItem::costText() const
{
    if (!cost_)
        return {};
    if (cost_->insideConsumer)
        return QObject::tr("fused");
    const double percent = 100.0 * cost_->share;
    const QString share =
        percent < 1 ? QStringLiteral("<1%") : QStringLiteral("%1%").arg(percent, 0, 'f', 0);
    return (cost_->measured ? QString() : QStringLiteral("\u2248")) + share +
           QStringLiteral(" \u00b7 ") + QString::fromStdString(formatBytes(cost_->bytes));
}

void NodeItem::updateToolTip()
{
    QString tip = baseTip_;
    if (cost_ && cost_->insideConsumer)
        tip += QObject::tr("<br>Training cost: none of its own; it runs inside the next "
                           "layer's kernel");
    else if (cost_ && cost_->measured)
        tip += QObject::tr("<br>Training cost (last profile): %1% of a step, %2 ms; holds %3")
                   .arg(100.0 * cost_->share, 0, 'f', 1)
                   .arg(cost_->ms, 0, 'f', 2)
                   .arg(QString::fromStdString(formatBytes(cost_->bytes)));
    else if (cost_)
        tip += QObject::tr("<br>Training cost, estimated from FLOPs and bytes before any run: "
                           "about %1% of a step; holds about %2 at batch size %3")
                   .arg(100.0 * cost_->share, 0, 'f', 1)
                   .arg(QString::fromStdString(formatBytes(cost_->bytes)))
                   .arg(costBatch_);
    setToolTip(tip);
}

// The cost: a figure at the right of the name line, a bar along the bottom edge as long as
// the share of the step. Measured figures in a warm colour when the layer takes a fifth of
// the step or more; estimates in grey.
void NodeItem::paintCost(QPainter *painter)
{
    const double pad = 8;
    QFont font = painter->font();
    font.setPointSizeF(7.5);
    font.setBold(false);
    font.setItalic(!cost_->measured);
    painter->setFont(font);
    const QColor warm(0xd8, 0x5a, 0x1e), grey(0x80, 0x87, 0x90);
    const bool heavy = cost_->share >= 0.2;
    painter->setPen(cost_->measured && heavy ? warm : grey);
    painter->drawText(QRectF(pad, kHeaderHeight + 3, kNodeWidth - 2 * pad, 18),
                      Qt::AlignRight | Qt::AlignVCenter, costText());
    if (cost_->share <= 0)
        return;
    QColor bar = heavy ? warm : QColor(0xf0, 0x9a, 0x3c);
    bar.setAlpha(cost_->measured ? 230 : 120);
    const double width = std::clamp(cost_->share, 0.0, 1.0) * (kNodeWidth - 2 * kCorner);
    painter->fillRect(QRectF(kCorner, kHeight - 4, std::max(width, 1.5), 3), bar);
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF card(0, 0, kNodeWidth, kHeight);
    const QColor accent = categoryColor(category_);
    const bool error = status_ == NodeStatus::Error;

    QPainterPath shape;
    shape.addRoundedRect(card, kCorner, kCorner);
    painter->fillPath(shape.translated(0, 1.5), QColor(0, 0, 0, 28)); // soft shadow
    painter->fillPath(shape, Qt::white);

    // Header band in the category colour, square at the bottom.
    QPainterPath header;
    header.addRoundedRect(QRectF(0, 0, kNodeWidth, kHeaderHeight + kCorner), kCorner, kCorner);
    QPainterPath bottomCut;
    bottomCut.addRect(QRectF(0, kHeaderHeight, kNodeWidth, kCorner));
    painter->fillPath(header.subtracted(bottomCut), accent);

    QPen outline(error ? errorColor() : QColor(0xc4, 0xc9, 0xd0), error ? 1.6 : 1.0);
    if (isSelected())
        outline = QPen(QColor(0x1e, 0x88, 0xe5), 2.4);
    painter->setPen(outline);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(shape);

    QFont font = painter->font();
    font.setPointSizeF(8.5);
    QFont bold = font;
    bold.setBold(true);
    const double pad = 8;

    // Header: type on the left, weight count on the right.
    painter->setFont(font);
    const QFontMetricsF fm(font);
    const double weightWidth = weightText_.isEmpty() ? 0 : fm.horizontalAdvance(weightText_);
    painter->setPen(QColor(255, 255, 255, 215));
    painter->drawText(QRectF(pad, 0, kNodeWidth - 2 * pad, kHeaderHeight),
                      Qt::AlignRight | Qt::AlignVCenter, weightText_);
    painter->setFont(bold);
    painter->setPen(Qt::white);
    const QFontMetricsF bfm(bold);
    painter->drawText(QRectF(pad, 0, kNodeWidth - 3 * pad - weightWidth, kHeaderHeight),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      bfm.elidedText(type_, Qt::ElideRight, kNodeWidth - 3 * pad - weightWidth));

    // Body: the name, then the key parameters.
    QFont nameFont = bold;
    nameFont.setPointSizeF(9);
    painter->setFont(nameFont);
    painter->setPen(QColor(0x20, 0x24, 0x2a));
    const QFontMetricsF nfm(nameFont);
    // Room for the cost figure right of the name.
    QFont costFont = font;
    costFont.setPointSizeF(7.5);
    const double costWidth =
        cost_ ? QFontMetricsF(costFont).horizontalAdvance(costText()) + 6 : 0.0;
    painter->drawText(QRectF(pad, kHeaderHeight + 3, kNodeWidth - 2 * pad - costWidth, 18),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      nfm.elidedText(name_, Qt::ElideRight, kNodeWidth - 2 * pad - costWidth));
    painter->setFont(font);
    painter->setPen(error ? errorColor() : QColor(0x5f, 0x67, 0x73));
    const QString detail = error && keyParams_.isEmpty() ? message_ : keyParams_;
    painter->drawText(QRectF(pad, kHeaderHeight + 21, kNodeWidth - 2 * pad, 16),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(detail, Qt::ElideRight, kNodeWidth - 2 * pad));

    if (!unitMaps_.empty())
        paintUnitMaps(painter);
    if (cost_) {
        paintCost(painter);
        painter->setFont(font);
    }

    if (error) {
        // The badge: a red disc with "!" on the top-right corner.
        const QRectF badge(kNodeWidth - 9, -9, 18, 18);
        painter->setPen(QPen(Qt::white, 1.5));
        painter->setBrush(errorColor());
        painter->drawEllipse(badge);
        painter->setFont(bold);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, QStringLiteral("!"));
    }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged)
        if (auto *nodeScene = qobject_cast<NodeScene *>(scene()))
            nodeScene->nodeItemMoved(this);
    if (change == ItemSelectedHasChanged)
        update();
    return QGraphicsItem::itemChange(change, value);
}

} // namespace strata::ui
