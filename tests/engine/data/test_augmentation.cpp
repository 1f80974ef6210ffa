// Data augmentation: each transform against a hand-computed example, the Augmenter's draws,
// the black and white bounds through normalisation, and the spec's JSON (with a
// malformed-input table).

#include "strata/augmentation.h"
#include "strata/dataset.h"
#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <numeric>

using namespace strata;

namespace {

std::vector<float> iota(size_t n)
{
    std::vector<float> v(n);
    std::iota(v.begin(), v.end(), 1.0f);
    return v;
}

AugmentRange unitRange(int channels)
{
    AugmentRange r;
    r.black.assign(size_t(channels), 0.0f);
    r.white.assign(size_t(channels), 1.0f);
    return r;
}

QString vectorText(const std::vector<float> &v)
{
    QStringList parts;
    for (float x : v)
        parts << QString::number(double(x));
    return parts.join(' ');
}

QString problemOf(const nlohmann::json &j)
{
    try {
        augmentationFromJson(j, "/dataset/augmentation");
    } catch (const ProjectError &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestAugmentation : public QObject
{
    Q_OBJECT

private slots:
    void flipReversesRowsAndTwiceIsTheIdentity()
    {
        // 2 channels of 2 x 3.
        std::vector<float> x = iota(12);
        augment::flipHorizontal(x.data(), 2, 2, 3);
        QCOMPARE(x, (std::vector<float>{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}));
        augment::flipHorizontal(x.data(), 2, 2, 3);
        QCOMPARE(x, iota(12));
    }

    void padCropKeepsTheShapeAndShiftsWithFill()
    {
        const std::vector<float> in = iota(9); // 1 x 3 x 3: 1 2 3 / 4 5 6 / 7 8 9
        const float fill = -1;
        std::vector<float> out(9);
        // An offset of `pad` both ways is the picture itself.
        augment::padCrop(in.data(), out.data(), 1, 3, 3, 2, 2, 2, &fill);
        QCOMPARE(out, in);
        // Offsets 0, 0 with padding 1: the picture moves one pixel right and down.
        augment::padCrop(in.data(), out.data(), 1, 3, 3, 1, 0, 0, &fill);
        QCOMPARE(out, (std::vector<float>{-1, -1, -1, -1, 1, 2, -1, 4, 5}));
        // Offsets 2, 1 with padding 1: one pixel up, no sideways move.
        augment::padCrop(in.data(), out.data(), 1, 3, 3, 1, 2, 1, &fill);
        QCOMPARE(out, (std::vector<float>{4, 5, 6, 7, 8, 9, -1, -1, -1}));
    }

    void rotationByZeroIsTheIdentity()
    {
        const std::vector<float> in = iota(2 * 4 * 5);
        const float fill[] = {0, 0};
        std::vector<float> out(in.size());
        augment::rotateTranslate(in.data(), out.data(), 2, 4, 5, 0, 0, 0, fill);
        QCOMPARE(out, in);
    }

    void quarterTurnIsCounterClockwise()
    {
        // 1 2 3        3 6 9
        // 4 5 6   ->   2 5 8   (turned a quarter counter-clockwise, as seen on screen)
        // 7 8 9        1 4 7
        const std::vector<float> in = iota(9);
        const float fill = 0;
        std::vector<float> out(9);
        augment::rotateTranslate(in.data(), out.data(), 1, 3, 3, 90, 0, 0, &fill);
        QCOMPARE(out, (std::vector<float>{3, 6, 9, 2, 5, 8, 1, 4, 7}));
        // Four quarter turns come back, a full turn within float rounding.
        augment::rotateTranslate(in.data(), out.data(), 1, 3, 3, 180, 0, 0, &fill);
        QCOMPARE(out, (std::vector<float>{9, 8, 7, 6, 5, 4, 3, 2, 1}));
        augment::rotateTranslate(in.data(), out.data(), 1, 3, 3, 360, 0, 0, &fill);
        for (size_t i = 0; i < 9; ++i)
            QVERIFY2(std::fabs(out[i] - in[i]) < 1e-5, qPrintable(vectorText(out)));
    }

    void translationByWholePixelsShifts()
    {
        const std::vector<float> in = iota(9);
        const float fill = -1;
        std::vector<float> out(9);
        augment::rotateTranslate(in.data(), out.data(), 1, 3, 3, 0, 1, 0, &fill); // right
        QCOMPARE(out, (std::vector<float>{-1, 1, 2, -1, 4, 5, -1, 7, 8}));
        augment::rotateTranslate(in.data(), out.data(), 1, 3, 3, 0, 0, -1, &fill); // up
        QCOMPARE(out, (std::vector<float>{4, 5, 6, 7, 8, 9, -1, -1, -1}));
        // Half a pixel right: each value the mean of its own and its left neighbour's (the
        // fill at the left edge).
        augment::rotateTranslate(in.data(), out.data(), 1, 3, 3, 0, 0.5, 0, &fill);
        QCOMPARE(out, (std::vector<float>{0, 1.5, 2.5, 1.5, 4.5, 5.5, 3, 7.5, 8.5}));
    }

    void brightnessAndContrastStayWithinBlackAndWhite()
    {
        AugmentRange range;
        range.black = {-1.0f};
        range.white = {1.0f};
        std::vector<float> x{-1, -0.5f, 0, 0.5f, 1};
        augment::shift(x.data(), 1, 5, 0.375, range); // 0.75 in these units

        QCOMPARE(x, (std::vector<float>{-0.25f, 0.25f, 0.75f, 1, 1}));

        std::vector<float> y{0, 0.2f, 0.4f}; // mean 0.2
        augment::scaleContrast(y.data(), 1, 3, 1.0f, range);
        QCOMPARE(y, (std::vector<float>{0, 0.2f, 0.4f}));
        augment::scaleContrast(y.data(), 1, 3, 0.0f, range);
        for (float v : y)
            QVERIFY(std::fabs(v - 0.2f) < 1e-7f);
        std::vector<float> z{-0.8f, 0, 0.8f};
        augment::scaleContrast(z.data(), 1, 3, 2.0f, range);
        QCOMPARE(z, (std::vector<float>{-1, 0, 1})); // ±1.6 kept at black and white
    }

    void blackAndWhiteFollowTheNormalization()
    {
        Normalization scale;
        scale.mode = "scale";
        scale.scale = 1.0f / 255.0f;
        AugmentRange r = augmentRange(scale, 3);
        QCOMPARE(r.black, (std::vector<float>{0, 0, 0}));
        QCOMPARE(r.white, (std::vector<float>{1, 1, 1}));

        Normalization standardize;
        standardize.mode = "standardize";
        standardize.scale = 1.0f / 255.0f;
        standardize.mean = {0.5f, 0.25f};
        standardize.std = {0.5f, 0.25f};
        r = augmentRange(standardize, 2);
        QCOMPARE(r.black, (std::vector<float>{-1, -1}));
        QCOMPARE(r.white, (std::vector<float>{1, 3}));

        r = augmentRange(Normalization{}, 1); // none: raw 0..255
        QCOMPARE(r.white, (std::vector<float>{255}));
    }

    void augmenterDrawsFromTheSamplesStream()
    {
        AugmentationSpec spec;
        spec.horizontalFlip = true;
        spec.cropPadding = 2;
        spec.rotate = 15;
        spec.translate = 0.1;
        spec.brightness = 0.2;
        spec.contrast = 0.3;
        spec.noise = 0.05;
        const Augmenter a(spec, {1, 8, 8}, unitRange(1));
        std::vector<float> in(64);
        for (size_t i = 0; i < in.size(); ++i)
            in[i] = float((i * 37) % 64) / 64.0f;
        std::vector<float> scratch, one(64), again(64), other(64);
        Rng r1 = augmentationRng(42, 7), r2 = augmentationRng(42, 7), r3 = augmentationRng(42, 8);
        a.apply(in.data(), one.data(), r1, scratch);
        a.apply(in.data(), again.data(), r2, scratch);
        a.apply(in.data(), other.data(), r3, scratch);
        QCOMPARE(one, again); // the same key and position: the same sample
        QVERIFY(one != other);
        QVERIFY(one != in);
        // In place gives the same as out of place.
        std::vector<float> inPlace = in;
        Rng r4 = augmentationRng(42, 7);
        a.apply(inPlace.data(), inPlace.data(), r4, scratch);
        QCOMPARE(inPlace, one);
    }

    void flipHappensHalfTheTime()
    {
        AugmentationSpec spec;
        spec.horizontalFlip = true;
        const Augmenter a(spec, {1, 1, 2}, unitRange(1));
        std::vector<float> scratch;
        int flipped = 0;
        for (int i = 0; i < 4000; ++i) {
            const float in[2] = {0, 1};
            float out[2];
            Rng rng = augmentationRng(3, i);
            a.apply(in, out, rng, scratch);
            flipped += out[0] == 1;
        }
        QVERIFY2(flipped > 1850 && flipped < 2150, qPrintable(QString::number(flipped)));
    }

    void noiseHasTheAskedSpreadAndWorksOnRows()
    {
        AugmentationSpec spec;
        spec.noise = 0.5;
        // Rows of a table: noise alone needs no pictures.
        const Augmenter a(spec, {10000}, AugmentRange{}, false);
        std::vector<float> in(10000, 3.0f), out(10000), scratch;
        Rng rng = augmentationRng(1, 0);
        a.apply(in.data(), out.data(), rng, scratch);
        double sum = 0, squares = 0;
        for (float v : out) {
            sum += v - 3.0;
            squares += (v - 3.0) * (v - 3.0);
        }
        const double mean = sum / 1e4, std = std::sqrt(squares / 1e4 - mean * mean);
        QVERIFY2(std::fabs(mean) < 0.03 && std::fabs(std - 0.5) < 0.03,
                 qPrintable(QString("mean %1 std %2").arg(mean).arg(std)));
    }

    void pictureTransformsNeedPictures()
    {
        AugmentationSpec spec;
        spec.horizontalFlip = true;
        const std::string rows = augmentationProblem(spec, {2}, false);
        QVERIFY2(rows.find("needs pictures") != std::string::npos &&
                     rows.find("rows of 2 values") != std::string::npos &&
                     rows.find("noise alone") != std::string::npos,
                 rows.c_str());
        QVERIFY(augmentationProblem(spec, {1, 28, 28}, true).empty());
        QVERIFY(!augmentationProblem(spec, {1, 28, 28}, false).empty()); // a table's values
        spec.horizontalFlip = false;
        spec.cropPadding = 28;
        const std::string crop = augmentationProblem(spec, {1, 28, 30}, true);
        QVERIFY2(crop.find("at most 27") != std::string::npos, crop.c_str());
        spec.cropPadding = 0;
        spec.noise = 0.1;
        QVERIFY(augmentationProblem(spec, {2}, false).empty());
        QVERIFY_THROWS_EXCEPTION(
            Error, Augmenter(AugmentationSpec{.horizontalFlip = true}, {5}, AugmentRange{}, false));
    }

    void jsonRoundTripsAndSummarises()
    {
        AugmentationSpec spec;
        QVERIFY(!spec.active());
        QCOMPARE(toJson(spec), nlohmann::json::object());
        QCOMPARE(spec.summary(), std::string("none"));
        spec.horizontalFlip = true;
        spec.cropPadding = 4;
        spec.translate = 0.1;
        spec.rotate = 10;
        spec.brightness = 0.2;
        spec.contrast = 0.25;
        spec.noise = 0.01;
        const nlohmann::json j = toJson(spec);
        QCOMPARE(augmentationFromJson(j, "/a"), spec);
        QCOMPARE(spec.summary(), std::string("flip, crop 4, shift 10%, rotate 10°, brightness "
                                             "0.2, contrast 0.25, noise 0.01"));
        // In a dataset spec: written only when on, read back.
        DatasetSpec data;
        data.kind = "idx";
        QVERIFY(!toJson(data).contains("augmentation"));
        data.augmentation = spec;
        QCOMPARE(datasetSpecFromJson(toJson(data), "/dataset").augmentation, spec);
    }

    void malformedSpecs_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not an object") << "[1]"
                                       << "/dataset/augmentation";
        QTest::newRow("unknown key") << "{\"vertical_flip\": true}"
                                     << "vertical_flip";
        QTest::newRow("flip as a number") << "{\"horizontal_flip\": 1}"
                                          << "horizontal_flip";
        QTest::newRow("negative padding") << "{\"crop_padding\": -1}"
                                          << "crop_padding";
        QTest::newRow("fractional padding") << "{\"crop_padding\": 1.5}"
                                            << "crop_padding";
        QTest::newRow("huge padding") << "{\"crop_padding\": 100000}"
                                      << "crop_padding";
        QTest::newRow("translate over half") << "{\"translate\": 0.6}"
                                             << "translate";
        QTest::newRow("rotate over 180") << "{\"rotate\": 200}"
                                         << "rotate";
        QTest::newRow("negative brightness") << "{\"brightness\": -0.1}"
                                             << "brightness";
        QTest::newRow("contrast over 1") << "{\"contrast\": 1.5}"
                                         << "contrast";
        QTest::newRow("noise as text") << "{\"noise\": \"0.1\"}"
                                       << "noise";
        QTest::newRow("noise null") << "{\"noise\": null}"
                                    << "noise";
    }
    void malformedSpecs()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const QString problem = problemOf(nlohmann::json::parse(json.toStdString()));
        QVERIFY2(problem.contains(expected), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestAugmentation)
#include "test_augmentation.moc"
