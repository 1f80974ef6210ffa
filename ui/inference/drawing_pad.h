#pragma once
// The drawing pad of Try the model: a square to draw a digit on with the mouse, white on
// black as MNIST's, at ten times MNIST's resolution; it also shows the picture asked about.

#include <QImage>
#include <QPointF>
#include <QWidget>

namespace strata::ui {

// A square to draw on with the mouse: thick white strokes on black.
class DrawingPad : public QWidget
{
    Q_OBJECT

public:
    explicit DrawingPad(QWidget *parent = nullptr);
    QSize sizeHint() const override { return {168, 168}; }
    QSize minimumSizeHint() const override { return {112, 112}; }
    // The drawing so far (black where nothing is drawn), at the pad's own resolution.
    const QImage &image() const { return image_; }
    bool isEmpty() const { return empty_; }
    void clear();
    // Shows a picture (in gray, fitted into the square) to draw over; changed() is not emitted.
    void setPicture(const QImage &picture);
    // A stroke from a to b in the pad's unit square (0..1), as the mouse draws one.
    void stroke(QPointF a, QPointF b);
    // Whether the mouse draws (only for models that take MNIST's 28×28 gray digits); when
    // not, the pad only shows the picture asked about.
    void setDrawable(bool drawable);
    bool isDrawable() const { return drawable_; }

signals:
    void changed();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    QPointF unit(QPointF widgetPos) const;
    static constexpr int kSide = 280; // the drawing's resolution: 10x MNIST's
    QImage image_;
    QPointF last_;
    bool empty_ = true;
    bool drawable_ = true;
};

} // namespace strata::ui
