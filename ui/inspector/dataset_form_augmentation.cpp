// The dataset form's augmentation rows: random changes to the training samples. The picture
// transforms show for picture sets (IDX, CIFAR-10, image folders); noise for every set.

#include "ui/inspector/form_fields.h"
#include "ui/inspector/settings_forms.h"

#include <strata/augmentation.h>
#include <strata/dataset.h>

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>

namespace strata::ui {

void DatasetForm::addAugmentationRows()
{
    auto &b = *binder_;
    const QStringList pictures{QStringLiteral("idx"), QStringLiteral("cifar10"),
                               QStringLiteral("image_folder")};
    auto *heading = new QLabel(tr("<b>Augmentation</b> (training samples only)"), this);
    heading->setObjectName(QStringLiteral("augmentationHeading"));
    heading->setWordWrap(true);
    // Across both columns (shown for every kind: noise works on any data).
    form_->addRow(heading);
    heading->setToolTip(
        tr("Random changes to each training sample every time it is used, so the model sees "
           "more variety; validation and test samples are never changed. The dataset "
           "preview shows one sample changed several times"));

    auto *flip = new QCheckBox(tr("Left-right"), this);
    flip->setObjectName(QStringLiteral("augmentFlip"));
    b.bind(
        flip, [](const DatasetSpec &s) { return s.augmentation.horizontalFlip; },
        [](DatasetSpec &s, bool v) { s.augmentation.horizontalFlip = v; });
    addRow(tr("Flip"), flip, pictures,
           tr("Half of the time a picture is mirrored left to right (Keras RandomFlip, "
              "torchvision RandomHorizontalFlip); leave off for digits and text"));

    auto *crop = new QSpinBox(this);
    crop->setObjectName(QStringLiteral("augmentCropPadding"));
    crop->setRange(0, kMaxCropPadding);
    crop->setSuffix(tr(" px"));
    crop->setSpecialValueText(tr("off"));
    b.bind(
        crop, [](const DatasetSpec &s) { return int64_t(s.augmentation.cropPadding); },
        [](DatasetSpec &s, int64_t v) { s.augmentation.cropPadding = int(v); });
    addRow(tr("Padded crop"), crop, pictures,
           tr("Pad each side with this many black pixels, then cut the picture's size out at a "
              "random place (torchvision RandomCrop(padding=...); 4 for CIFAR-10)"));

    struct Range
    {
        const char *object;
        QString label;
        double max, step;
        QString suffix;
        double AugmentationSpec::*member;
        QString tip;
    };
    const Range ranges[] = {
        {"augmentTranslate", tr("Shift"), 0.5, 0.05, QString(), &AugmentationSpec::translate,
         tr("Move the picture by up to this fraction of its width and height, either way "
            "(Keras RandomTranslation)")},
        {"augmentRotate", tr("Rotation"), 180, 5, QStringLiteral("°"), &AugmentationSpec::rotate,
         tr("Turn the picture by up to this many degrees either way (Keras RandomRotation)")},
        {"augmentBrightness", tr("Brightness"), 1, 0.05, QString(), &AugmentationSpec::brightness,
         tr("Add up to this fraction of black-to-white either way (Keras RandomBrightness)")},
        {"augmentContrast", tr("Contrast"), 1, 0.05, QString(), &AugmentationSpec::contrast,
         tr("Scale the distance from the picture's mean by 1 ± up to this (Keras "
            "RandomContrast)")},
        {"augmentNoise", tr("Noise"), 100, 0.01, QString(), &AugmentationSpec::noise,
         tr("Add Gaussian noise of this standard deviation to every value the model receives "
            "(after normalisation; Keras GaussianNoise)")},
    };
    for (const Range &r : ranges) {
        auto *box = new NumberSpinBox(this);
        box->setObjectName(QString::fromLatin1(r.object));
        box->setRange(0, r.max);
        box->setSingleStep(r.step);
        box->setSuffix(r.suffix);
        box->setSpecialValueText(tr("off"));
        const auto member = r.member;
        b.bind(
            box, [member](const DatasetSpec &s) { return s.augmentation.*member; },
            [member](DatasetSpec &s, double v) { s.augmentation.*member = v; });
        addRow(r.label, box, member == &AugmentationSpec::noise ? QStringList() : pictures, r.tip);
    }
}

} // namespace strata::ui
