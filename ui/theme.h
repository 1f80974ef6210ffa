#pragma once
// The studio's few shared colours, so the palette, the canvas and the inspector agree on
// what a layer category looks like.

#include <QColor>
#include <QString>

namespace strata::ui {

// The accent of a layer category ("Convolution", "Activation", ...); grey when unknown.
QColor categoryColor(const QString &category);
QColor errorColor();
QColor canvasColor();

} // namespace strata::ui
