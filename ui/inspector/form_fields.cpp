#include "ui/inspector/form_fields.h"

#include <limits>

namespace strata::ui {

NumberSpinBox::NumberSpinBox(QWidget *parent) : QDoubleSpinBox(parent)
{
    setDecimals(12); // the value is stored unrounded; textFromValue decides what is shown
    setRange(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
    setKeyboardTracking(false);
    setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
}

QString NumberSpinBox::textFromValue(double value) const
{
    return locale().toString(value, 'g', 8);
}

double NumberSpinBox::valueFromText(const QString &text) const
{
    bool ok = false;
    const double v = locale().toDouble(text.trimmed(), &ok);
    return ok ? v : value();
}

QValidator::State NumberSpinBox::validate(QString &text, int &) const
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t == QLatin1String("-") ||
        t.endsWith(QLatin1Char('e'), Qt::CaseInsensitive) ||
        t.endsWith(QLatin1String("e-"), Qt::CaseInsensitive))
        return QValidator::Intermediate;
    bool ok = false;
    const double v = locale().toDouble(t, &ok);
    if (!ok)
        return QValidator::Invalid;
    return v < minimum() || v > maximum() ? QValidator::Intermediate : QValidator::Acceptable;
}

} // namespace strata::ui
