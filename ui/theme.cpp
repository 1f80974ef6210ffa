#include "ui/theme.h"

#include <QHash>

namespace strata::ui {

QColor categoryColor(const QString &category)
{
    // Muted hues that stay readable under white text and distinct for colour-blind users
    // (blue/orange/purple/teal rather than red/green pairs).
    static const QHash<QString, QColor> colors = {
        {QStringLiteral("Core"), QColor(0x3b, 0x6e, 0xa8)},
        {QStringLiteral("Convolution"), QColor(0x7b, 0x52, 0xa8)},
        {QStringLiteral("Pooling"), QColor(0x2a, 0x8a, 0x8a)},
        {QStringLiteral("Activation"), QColor(0xc0, 0x6a, 0x1e)},
        {QStringLiteral("Normalization"), QColor(0x4f, 0x7f, 0x3a)},
        {QStringLiteral("Regularization"), QColor(0x6b, 0x6b, 0x6b)},
        {QStringLiteral("Merge"), QColor(0xa8, 0x45, 0x7a)},
    };
    return colors.value(category, QColor(0x5a, 0x63, 0x70));
}

QColor errorColor()
{
    return QColor(0xd3, 0x2f, 0x2f);
}

QColor canvasColor()
{
    return QColor(0xf4, 0xf5, 0xf7);
}

} // namespace strata::ui
