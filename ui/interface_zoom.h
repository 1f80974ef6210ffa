#pragma once
// The studio's text size (View > Zoom In / Zoom Out / Reset): the application font's size as a
// factor of the platform's, in steps, remembered across launches. Every widget follows the
// application font; the canvas, whose items are drawn at fixed sizes, follows changed().

#include <QObject>

namespace strata::ui {

class InterfaceZoom : public QObject
{
    Q_OBJECT

public:
    // Applies the remembered factor to the application font.
    explicit InterfaceZoom(QObject *parent = nullptr);

    // 1 is the platform's size; between minimumFactor() and maximumFactor().
    double factor() const { return factor_; }
    static double minimumFactor();
    static double maximumFactor();
    // The application font's point size at 1.
    static double basePointSize();
    // A temporary extra scale on top of factor() (presenter mode), never remembered and
    // left out of factor(); 1: none. Zooming in and out still works under it.
    double presentationScale() const { return presentation_; }
    void setPresentationScale(double scale);
    // What the application font shows: factor() × presentationScale().
    double effectiveFactor() const { return factor_ * presentation_; }

public slots:
    void zoomIn();
    void zoomOut();
    void reset();
    // Sets the nearest allowed factor, applies and remembers it.
    void setFactor(double factor);

signals:
    // After the application font changed: previous → factor (effective factors).
    void changed(double factor, double previous);

private:
    void applyFont(double previousEffective);

    double factor_ = 1.0;
    double presentation_ = 1.0;
};

} // namespace strata::ui
