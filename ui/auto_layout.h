#pragma once
// The automatic layout: each node's row (or column, left to right) is its longest distance
// from an input, and nodes in a row are ordered by where their inputs sit, to keep links
// short and straight.
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

enum class LayoutDirection {
    TopToBottom, // one row per depth
    LeftToRight, // one column per depth, for a long chain on a wide screen
};

// Top-left corner of every node. Works on any graph (nodes in a cycle go last). LeftToRight
// starts a new band of columns under the previous one after wrapAfter columns (0: never), so
// a long model reads like lines of text.
QHash<QString, QPointF> layeredLayout(const Graph &graph,
                                      LayoutDirection direction = LayoutDirection::TopToBottom,
                                      int wrapAfter = 0);

} // namespace strata::ui
