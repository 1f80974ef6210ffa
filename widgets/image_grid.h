#pragma once
// A grid of small sample images, each with its caption (the class name) underneath. The grid
// reflows to the widget's width and reports heightForWidth, so it sits well in a scroll area.

#include <QImage>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace strata::widgets {

class ImageGrid : public QWidget
{
    Q_OBJECT

public:
    explicit ImageGrid(QWidget *parent = nullptr);

    // Converts one sample stored channel-first (C×H×W floats) to an image: 1 channel gives
    // grey, 3 give RGB (other counts use the first channel). Values in [0,1] or [0,255] are
    // taken as they are; anything else (standardised data) is stretched to the sample's own
    // min..max. Safe to call from any thread.
    static QImage imageFromChw(const float *data, int channels, int height, int width);

    // images and captions pair up by index; extra captions are ignored. No captions: the
    // images sit side by side with nothing under them.
    void setImages(std::vector<QImage> images, QStringList captions);
    void clear();
    // Edge of the square each image is scaled to (nearest neighbour, so pixels stay crisp).
    void setCellSize(int pixels);
    int cellSize() const { return cellSize_; }

    int count() const { return static_cast<int>(images_.size()); }
    const std::vector<QImage> &images() const { return images_; }
    QStringList captions() const { return captions_; }
    int columnsForWidth(int width) const;
    // The image under a point (-1: none).
    int indexAt(QPoint pos) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

signals:
    void imageClicked(int index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    int cellWidth() const;
    int cellHeight() const;

    std::vector<QImage> images_;
    QStringList captions_;
    int cellSize_ = 56;
};

} // namespace strata::widgets
