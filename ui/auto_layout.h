#pragma once
// The automatic top-to-bottom layout: each node's row is its longest distance from an input,
// and nodes in a row are ordered by where their inputs sit, to keep links short and straight.
// A rule of the document (nodes without a saved place get one), used by the editor as well;
// it knows neither.

#include <strata/graph.h>

#include <QHash>
#include <QPointF>
#include <QString>

namespace strata::ui {

// Canvas geometry shared by the layout and the node items.
constexpr double kNodeWidth = 184;
constexpr double kRowStep = 110; // as in the example projects
constexpr double kColumnStep = 224;

// Top-left corner of every node. Works on any graph (nodes in a cycle go last).
QHash<QString, QPointF> layeredLayout(const Graph &graph);

} // namespace strata::ui
