// The dataset preview's augmented draws: the first training picture as several epochs could
// augment it, drawn on the GUI thread from the loaded picture (cheap: a few small pictures).

#include "ui/dataset/dataset_preview.h"

#include "ui/theme.h"
#include "widgets/image_grid.h"

#include <strata/augmentation.h>

#include <QLabel>

namespace strata::ui {

namespace {
constexpr int kAugmentedDraws = 8;
} // namespace

void DatasetPreview::showAugmented()
{
    augmented_->clear();
    const bool shown = firstPicture_ && augmentation_.active() &&
                       (firstPicture_->shape[0] == 1 || firstPicture_->shape[0] == 3);
    augmentedTitle_->setVisible(shown);
    augmented_->setVisible(shown);
    if (!shown)
        return;
    const Picture &p = *firstPicture_;
    const strata::AugmentRange range = strata::augmentRange(p.normalization, p.shape[0]);
    QString problem;
    std::vector<std::vector<float>> draws;
    try {
        const strata::Augmenter augmenter(augmentation_, p.shape, range, p.pictureValues);
        draws = strata::augmentationDraws(augmenter, p.values.data(), kAugmentedDraws);
    } catch (const std::exception &e) {
        problem = QString::fromUtf8(e.what());
    }
    if (!problem.isEmpty()) {
        augmentedTitle_->setText(problem);
        augmentedTitle_->setStyleSheet(QStringLiteral("color: %1;").arg(errorColor().name()));
        augmented_->hide();
        return;
    }
    augmentedTitle_->setStyleSheet(QString());
    augmentedTitle_->setText(
        tr("<b>Augmented</b> (%1): the first training picture as %2 epochs could see it")
            .arg(QString::fromStdString(augmentation_.summary()).toHtmlEscaped())
            .arg(kAugmentedDraws));
    // Shown as black..white maps to 0..1, so brightness and contrast changes show as they are.
    const auto image = [&](const std::vector<float> &values) {
        std::vector<float> levels(values.size());
        const int64_t plane = p.shape[1] * p.shape[2];
        for (size_t i = 0; i < values.size(); ++i)
            levels[i] = strata::pictureLevel(values[i], range, int64_t(i) / plane) / 255.0f;
        return widgets::ImageGrid::imageFromChw(levels.data(), int(p.shape[0]), int(p.shape[1]),
                                                int(p.shape[2]));
    };
    std::vector<QImage> images{image(p.values)};
    QStringList captions{tr("original")};
    for (size_t k = 0; k < draws.size(); ++k) {
        images.push_back(image(draws[k]));
        captions << tr("draw %1").arg(k + 1);
    }
    augmented_->setCellSize(images_->cellSize());
    augmented_->setImages(std::move(images), std::move(captions));
}

} // namespace strata::ui
