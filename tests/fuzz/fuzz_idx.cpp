// IDX images and labels, raw or gzip (the loader decompresses by magic). The first byte picks
// which of the two files is the fuzzed input; the other is a valid 2-sample file.

#include "fuzz_input.h"
#include "strata/dataset.h"

namespace {

const uint8_t kImages[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 2, 3, 4, 5, 6, 7};
const uint8_t kLabels[] = {0, 0, 8, 1, 0, 0, 0, 2, 1, 0};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string images = strata::fuzz::scratchPath("images.idx");
    static const std::string labels = strata::fuzz::scratchPath("labels.idx");
    if (size == 0)
        return 0;
    const bool fuzzImages = (data[0] & 1) == 0;
    strata::fuzz::writeFile(fuzzImages ? images : labels, data + 1, size - 1);
    if (fuzzImages)
        strata::fuzz::writeFile(labels, kLabels, sizeof kLabels);
    else
        strata::fuzz::writeFile(images, kImages, sizeof kImages);
    try {
        strata::Dataset d = strata::loadIdx(images, labels);
        if (static_cast<int64_t>(d.features.size()) != d.size() * d.sampleSize())
            strata::fuzz::broken("an IDX dataset holds another number of floats than its "
                                 "samples need");
        for (int32_t label : d.labels)
            if (label < 0 || label >= d.classCount())
                strata::fuzz::broken("an IDX label outside the dataset's classes");
    } catch (const strata::Error &) {
    }
    return 0;
}
