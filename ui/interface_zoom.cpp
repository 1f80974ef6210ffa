#include "ui/interface_zoom.h"
#include "ui/studio_settings.h"

#include <QApplication>
#include <QFont>
#include <QSettings>

#include <algorithm>
#include <array>
#include <cmath>

namespace strata::ui {

namespace {

constexpr std::array<double, 10> kSteps = {0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.7, 1.85, 2.0};
const char *const kKey = "view/textScale";

int nearestStep(double factor)
{
    int best = 0;
    for (int i = 1; i < int(kSteps.size()); ++i)
        if (std::fabs(kSteps[size_t(i)] - factor) < std::fabs(kSteps[size_t(best)] - factor))
            best = i;
    return best;
}

} // namespace

double InterfaceZoom::basePointSize()
{
    // The platform's size, taken once, before any zoom changed the application font.
    static const double base = [] {
        const double size = QApplication::font().pointSizeF();
        return size > 0 ? size : 9.0;
    }();
    return base;
}

double InterfaceZoom::minimumFactor()
{
    return kSteps.front();
}

double InterfaceZoom::maximumFactor()
{
    return kSteps.back();
}

InterfaceZoom::InterfaceZoom(QObject *parent) : QObject(parent)
{
    basePointSize();
    const double remembered = studioSettings().value(QLatin1String(kKey), 1.0).toDouble();
    factor_ = kSteps[size_t(nearestStep(remembered))];
    if (factor_ != 1.0 || std::fabs(QApplication::font().pointSizeF() - basePointSize()) > 1e-6) {
        QFont font = QApplication::font();
        font.setPointSizeF(basePointSize() * factor_);
        QApplication::setFont(font);
    }
}

void InterfaceZoom::zoomIn()
{
    setFactor(kSteps[size_t(std::min(nearestStep(factor_) + 1, int(kSteps.size()) - 1))]);
}

void InterfaceZoom::zoomOut()
{
    setFactor(kSteps[size_t(std::max(nearestStep(factor_) - 1, 0))]);
}

void InterfaceZoom::reset()
{
    setFactor(1.0);
}

void InterfaceZoom::setFactor(double factor)
{
    const double previous = effectiveFactor();
    factor_ = kSteps[size_t(nearestStep(factor))];
    studioSettings().setValue(QLatin1String(kKey), factor_);
    applyFont(previous);
}

void InterfaceZoom::setPresentationScale(double scale)
{
    const double previous = effectiveFactor();
    presentation_ = std::clamp(scale, 1.0, 3.0);
    applyFont(previous);
}

void InterfaceZoom::applyFont(double previousEffective)
{
    if (effectiveFactor() == previousEffective)
        return;
    QFont font = QApplication::font();
    font.setPointSizeF(basePointSize() * effectiveFactor());
    QApplication::setFont(font);
    emit changed(effectiveFactor(), previousEffective);
}

} // namespace strata::ui
