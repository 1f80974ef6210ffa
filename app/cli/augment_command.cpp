// strata-cli augment: one training picture and several augmented draws of it, side by side in
// a PNG, to see what the dataset's augmentation does before training with it.

#include "cli.h"

#include "strata/augmentation.h"
#include "strata/boundary_picture.h"
#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/project.h"

#include <algorithm>
#include <cstdio>

namespace strata::cli {

namespace {

constexpr int kMaxDraws = 64;
constexpr int kGap = 4;         // white pixels between two pictures
constexpr int kMinCell = 64;    // small pictures are enlarged (nearest) to at least this
constexpr int kMaxSheet = 8192; // the sheet's widest side

int wholeNumber(const Args &args, const std::string &key, int fallback, int lo, int hi)
{
    if (!args.has(key))
        return fallback;
    const std::string text = args.get(key);
    if (text.empty() || text.size() > 9 ||
        text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < lo ||
        std::stoi(text) > hi)
        throw UsageError{"--" + key + " expects a whole number from " + std::to_string(lo) +
                         " to " + std::to_string(hi) + ", not '" + text.substr(0, 40) + "'"};
    return std::stoi(text);
}

// Draws one C x H x W sample (normalised; range gives black and white) at (x0, y0), each
// pixel a scale x scale block.
void paste(Picture &sheet, const float *sample, const Shape &shape, const AugmentRange &range,
           int x0, int y0, int scale)
{
    const auto c = int(shape[0]), h = int(shape[1]), w = int(shape[2]);
    for (int y = 0; y < h * scale; ++y)
        for (int x = 0; x < w * scale; ++x) {
            uint8_t *p = &sheet.rgb[3 * (size_t(y0 + y) * size_t(sheet.width) + size_t(x0 + x))];
            for (int k = 0; k < 3; ++k) {
                const int channel = c == 3 ? k : 0;
                p[k] =
                    pictureLevel(sample[(channel * h + y / scale) * w + x / scale], range, channel);
            }
        }
}

} // namespace

int runAugment(const Args &args)
{
    args.allowOnly({"out", "sample", "count"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file and --out PICTURE.png"};
    if (!args.has("out") || args.get("out").empty())
        throw UsageError{"needs --out PICTURE.png, where to write the pictures"};
    const int count = wholeNumber(args, "count", 8, 1, kMaxDraws);
    const std::string projectPath = args.positional[0];
    const Project project = loadProject(projectPath);
    const AugmentationSpec &spec = project.dataset.augmentation;
    if (!spec.active())
        throw Error(projectPath + " augments nothing: set the dataset's \"augmentation\" (for "
                                  "example {\"horizontal_flip\": true, \"crop_padding\": 4}), "
                                  "or turn it on in the studio's dataset settings");
    const DatasetBundle data = loadDataset(project.dataset, projectBaseDir(projectPath));
    const Dataset &train = data.train;
    if (train.sampleShape.size() != 3 || (train.sampleShape[0] != 1 && train.sampleShape[0] != 3))
        throw Error("strata-cli augment shows pictures, and the samples of this dataset are " +
                    toString(train.sampleShape) +
                    ": their augmentation (noise) is seen in training only");
    const int sample =
        wholeNumber(args, "sample", 0, 0, int(std::min<int64_t>(train.size() - 1, 999'999'999)));
    const Augmenter augmenter(spec, train.sampleShape,
                              augmentRange(data.normalization, train.sampleShape[0]),
                              holdsPictureValues(project.dataset));
    const std::vector<std::vector<float>> draws =
        augmentationDraws(augmenter, train.sample(sample), count);

    const auto h = int(train.sampleShape[1]), w = int(train.sampleShape[2]);
    const int scale = std::max(1, kMinCell / std::max(h, w));
    const int cellW = w * scale, cellH = h * scale;
    Picture sheet;
    sheet.width = kGap + (count + 1) * (cellW + kGap);
    sheet.height = 2 * kGap + cellH;
    if (sheet.width > kMaxSheet)
        throw UsageError{"the pictures are " + std::to_string(w) +
                         " pixels wide: ask for at most " +
                         std::to_string(std::max(1, (kMaxSheet - kGap) / (cellW + kGap) - 1)) +
                         " draws with --count"};
    sheet.rgb.assign(size_t(sheet.width) * size_t(sheet.height) * 3, 255);
    paste(sheet, train.sample(sample), train.sampleShape, augmenter.range(), kGap, kGap, scale);
    for (int k = 0; k < count; ++k)
        paste(sheet, draws[size_t(k)].data(), train.sampleShape, augmenter.range(),
              kGap + (k + 1) * (cellW + kGap), kGap, scale);
    writePng(sheet, args.get("out"));
    const int label = train.labels[size_t(sample)];
    std::printf("Wrote %s: training sample %d (%s) and %d augmented draws of it (%s), left to "
                "right\n",
                args.get("out").c_str(), sample, train.classNames.at(size_t(label)).c_str(), count,
                spec.summary().c_str());
    return 0;
}

} // namespace strata::cli
