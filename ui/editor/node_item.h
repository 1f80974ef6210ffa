#pragma once
// One layer on the canvas: a card with the type, the name, the key parameters and the weight
// count; input ports on top, the output port at the bottom. A node the shape analysis
// rejects carries a red badge whose tooltip is the engine's message; a node waiting on a
// broken input is greyed.

#include <strata/graph.h>
#include <strata/node_costs.h>
#include <strata/shape_inference.h>

#include <QGraphicsEllipseItem>
#include <QGraphicsItem>
#include <QImage>
#include <QString>

#include <optional>
#include <vector>

namespace strata::ui {

class NodeItem;

class PortItem : public QGraphicsEllipseItem
{
public:
    enum { Type = UserType + 11 };
    PortItem(NodeItem *node, bool output, int port);
    int type() const override { return Type; }

    NodeItem *node() const { return node_; }
    bool isOutput() const { return output_; }
    int port() const { return port_; }
    PortRef ref() const;
    QPointF sceneCentre() const { return mapToScene(QPointF(0, 0)); }
    // Drawn larger while a link is being dragged over it.
    void setHighlighted(bool on, bool accepted = true);

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    NodeItem *node_;
    bool output_;
    int port_;
};

class NodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 10 };
    static constexpr double kHeight = 64;

    explicit NodeItem(const QString &id);
    int type() const override { return Type; }

    QString id() const { return id_; }
    // Takes the node's current settings and its analysis (null when there is none yet).
    void refresh(const Node &node, int inputCount, const NodeAnalysis *analysis);

    NodeStatus status() const { return status_; }
    QString message() const { return message_; }
    QString title() const { return type_; }
    QString name() const { return name_; }
    QString keyParameters() const { return keyParams_; }
    QString weightText() const { return weightText_; }

    PortItem *inputPort(int port) const;
    PortItem *outputPort() const { return output_; }
    int inputCount() const { return static_cast<int>(inputs_.size()); }

    // Its units' outputs over the decision boundary's plane (the neuron maps), drawn as small
    // pictures right of the card: the first kUnitThumbnails of them; none clears.
    void setUnitMaps(const std::vector<QImage> &maps);
    int unitMapCount() const { return static_cast<int>(unitMaps_.size()); }
    static constexpr int kUnitThumbnails = 8; // in 2 columns of 4
    static constexpr double kThumbnail = 14;

    // Its share of a training step's time and its memory (measured by the last profile, or
    // estimated before any run): a figure right of its name and a bar along the card's
    // bottom edge; none clears. batchSize: the one the memory is counted at.
    void setCost(const std::optional<NodeCost> &cost, int64_t batchSize = 0);
    const std::optional<NodeCost> &cost() const { return cost_; }
    // "31% · 18 MB" (measured), "≈31% · 18 MB" (estimated), "fused" (runs inside the next
    // layer's kernel); empty without a cost.
    QString costText() const;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    void rebuildPorts(int inputCount);
    void paintUnitMaps(QPainter *painter);
    void paintCost(QPainter *painter);
    void updateToolTip();

    QString id_;
    QString type_, name_, category_, keyParams_, weightText_, message_;
    NodeStatus status_ = NodeStatus::Blocked;
    std::vector<PortItem *> inputs_;
    PortItem *output_ = nullptr;
    std::vector<QImage> unitMaps_; // at most kUnitThumbnails
    int unitCount_ = 0;            // all the layer's units
    QString baseTip_;              // refresh()'s tooltip, before the cost's line
    std::optional<NodeCost> cost_;
    int64_t costBatch_ = 0;
};

} // namespace strata::ui
