// CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin): records of one label byte
// followed by 3072 pixel bytes, the red, green and blue 32×32 planes in that order, which is
// already the CHW layout of our samples.

#include "data/cifar10.h"

#include "data/data_file.h"
#include "strata/errors.h"
#include "strata/memory.h"

#include <fstream>

namespace strata {

namespace {

constexpr int64_t kPixels = 3 * 32 * 32;
constexpr int64_t kRecord = 1 + kPixels;
constexpr int kClasses = 10;

} // namespace

std::vector<std::string> internal::cifar10ClassNames()
{
    return {"airplane", "automobile", "bird",  "cat",  "deer",
            "dog",      "frog",       "horse", "ship", "truck"};
}

std::vector<std::string> internal::readCifar10ClassNames(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throwFileError(path, "cannot open the class names file");
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos)
            continue; // batches.meta.txt ends with blank lines
        const auto last = line.find_last_not_of(" \t\r");
        names.push_back(line.substr(first, last - first + 1));
    }
    if (names.size() != kClasses)
        throwFileError(path, "lists " + std::to_string(names.size()) +
                                 " class names but CIFAR-10 needs 10, one per line");
    return names;
}

Dataset loadCifar10(const std::vector<std::string> &batchFiles)
{
    if (batchFiles.empty())
        throw DatasetError("No CIFAR-10 batch files given: list at least one, for example "
                           "data_batch_1.bin");
    Dataset data;
    data.name = "CIFAR-10";
    data.sampleShape = {3, 32, 32};
    data.classNames = internal::cifar10ClassNames();
    for (const std::string &path : batchFiles) {
        internal::DataFile file(path);
        const std::vector<uint8_t> bytes = file.readAll();
        const int64_t size = static_cast<int64_t>(bytes.size());
        if (size == 0)
            internal::throwFileError(path, "is empty: a CIFAR-10 batch holds records of 3073 "
                                           "bytes (1 label byte + 3072 pixel bytes)");
        if (size % kRecord != 0)
            internal::throwFileError(
                path, "is " + std::to_string(size) + " bytes, which is not a multiple of 3073 " +
                          "(1 label byte + 3072 pixel bytes per record): the last record is " +
                          "cut short after " + std::to_string(size % kRecord) +
                          " bytes, or this is not a CIFAR-10 binary batch");
        const int64_t records = size / kRecord;
        if (std::string m = memoryShortfall(
                double(data.features.size() + size_t(records * kPixels)) * sizeof(float),
                "loading " + std::to_string(data.size() + records) + " images as floats",
                "use fewer batch files or a machine with more memory");
            !m.empty())
            internal::throwFileError(path, m);
        data.features.reserve(data.features.size() + size_t(records * kPixels));
        data.labels.reserve(data.labels.size() + size_t(records));
        for (int64_t r = 0; r < records; ++r) {
            const uint8_t *record = bytes.data() + r * kRecord;
            if (record[0] >= kClasses)
                internal::throwFileError(
                    path, "record " + std::to_string(r) + " (offset " +
                              std::to_string(r * kRecord) + ") has label " +
                              std::to_string(record[0]) +
                              ", but CIFAR-10 labels are 0 to 9 (a CIFAR-100 file?)");
            data.labels.push_back(record[0]);
            data.features.insert(data.features.end(), record + 1, record + kRecord);
        }
    }
    return data;
}

} // namespace strata
