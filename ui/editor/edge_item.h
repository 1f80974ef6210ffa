#pragma once
// A link on the canvas: a vertical S-curve from an output port down to an input port,
// labelled with the tensor shape that flows through it ("32×26×26").

#include <strata/graph.h>

#include <QGraphicsPathItem>
#include <QString>

namespace strata::ui {

class NodeItem;

class EdgeItem : public QGraphicsPathItem
{
public:
    enum { Type = UserType + 12 };
    EdgeItem(const Edge &edge, NodeItem *from, NodeItem *to);
    int type() const override { return Type; }

    const Edge &edge() const { return edge_; }
    NodeItem *fromNode() const { return from_; }
    NodeItem *toNode() const { return to_; }

    // Follows the ports after a node moved or its ports changed.
    void updatePath();
    // The shape text shown on the curve; empty hides the label.
    void setLabel(const QString &label);
    QString label() const { return label_; }

    // The curve between two points, shared with the link being dragged.
    static QPainterPath curve(QPointF from, QPointF to);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF labelRect() const;

    Edge edge_;
    NodeItem *from_;
    NodeItem *to_;
    QString label_;
};

} // namespace strata::ui
