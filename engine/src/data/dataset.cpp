// Dataset batches and slices, and loadDataset: from a spec to validated, normalised tensors.

#include "data/cifar10.h"
#include "data/data_file.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "data/normalization.h"

#include "strata/dataset.h"
#include "strata/errors.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace strata {

void Dataset::gather(const std::vector<int64_t> &indices, int64_t first, int64_t count, Tensor &x,
                     Tensor &y) const
{
    if (first < 0 || count < 0 || first + count > static_cast<int64_t>(indices.size()))
        throw std::out_of_range("Dataset::gather: samples [" + std::to_string(first) + ", " +
                                std::to_string(first + count) + ") of " +
                                std::to_string(indices.size()) + " indices");
    const Shape xShape = withBatch(count, sampleShape);
    const Shape yShape{count};
    // Reuse the caller's buffers across batches; only a new shape (the last, short batch)
    // or a device tensor needs a fresh host allocation.
    if (!x.defined() || !x.isHost() || x.shape() != xShape)
        x = Tensor(xShape);
    if (!y.defined() || !y.isHost() || y.shape() != yShape)
        y = Tensor(yShape);
    const int64_t n = sampleSize();
    float *xd = x.data();
    float *yd = y.data();
    for (int64_t k = 0; k < count; ++k) {
        const int64_t i = indices[size_t(first + k)];
        if (i < 0 || i >= size())
            throw std::out_of_range("Dataset::gather: index " + std::to_string(i) +
                                    " outside a dataset of " + std::to_string(size()) + " samples");
        std::copy(sample(i), sample(i) + n, xd + k * n);
        yd[k] = static_cast<float>(labels[size_t(i)]);
    }
}

Dataset Dataset::slice(int64_t begin, int64_t end) const
{
    if (begin < 0 || end < begin || end > size())
        throw std::out_of_range("Dataset::slice: [" + std::to_string(begin) + ", " +
                                std::to_string(end) + ") of " + std::to_string(size()) +
                                " samples");
    Dataset part;
    part.name = name;
    part.sampleShape = sampleShape;
    part.classNames = classNames;
    const int64_t n = sampleSize();
    part.features.assign(features.begin() + begin * n, features.begin() + end * n);
    part.labels.assign(labels.begin() + begin, labels.begin() + end);
    return part;
}

namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string &path, const std::string &baseDir)
{
    const fs::path p(path);
    if (p.is_absolute() || baseDir.empty())
        return path;
    return (fs::path(baseDir) / p).lexically_normal().string();
}

[[noreturn]] void missing(const std::string &kind, const char *field, const char *example)
{
    throw DatasetError("A dataset of kind '" + kind + "' needs " + field + ": set " + field +
                       " to " + example);
}

void require(const std::string &value, const std::string &kind, const char *field,
             const char *example)
{
    if (value.empty())
        missing(kind, field, example);
}

int maxLabel(const Dataset &data)
{
    return data.labels.empty() ? -1 : *std::max_element(data.labels.begin(), data.labels.end());
}

void requireSameShape(const Dataset &train, const Dataset &test, const std::string &testPath)
{
    if (test.sampleShape != train.sampleShape)
        throw DatasetError(internal::fileMessage(
            testPath, "test samples are " + toString(test.sampleShape) +
                          " but training samples are " + toString(train.sampleShape)));
}

bool hasGenericNames(const Dataset &data)
{
    return data.classNames == internal::genericClassNames(data.classCount());
}

// Gives the test set the training set's class numbering. Class numbers ("0".."n") simply
// extend to the larger of the two; class names must all appear in the training file.
void alignCsvClasses(Dataset &train, Dataset &test, const std::string &trainPath,
                     const std::string &testPath)
{
    if (hasGenericNames(train) && hasGenericNames(test)) {
        const int count = std::max(train.classCount(), test.classCount());
        train.classNames = internal::genericClassNames(count);
        return;
    }
    std::vector<int32_t> map(test.classNames.size());
    for (size_t c = 0; c < test.classNames.size(); ++c) {
        const auto it =
            std::find(train.classNames.begin(), train.classNames.end(), test.classNames[c]);
        if (it == train.classNames.end())
            throw DatasetError(internal::fileMessage(
                testPath, "class '" + test.classNames[c] +
                              "' does not appear in the training file " + trainPath));
        map[c] = static_cast<int32_t>(it - train.classNames.begin());
    }
    for (int32_t &label : test.labels)
        label = map[size_t(label)];
}

void applyLimit(Dataset &data, int64_t limit)
{
    if (limit > 0 && limit < data.size())
        data = data.slice(0, limit);
}

// Both folders' classes are checked before a picture of either is decoded; the limits are
// applied while decoding.
void loadImageFolders(const DatasetSpec &spec, const std::string &baseDir,
                      const LoadProgress &progress, DatasetBundle &bundle)
{
    require(spec.trainFolder, spec.kind, "train_folder",
            "the folder with one subfolder of pictures per class, for example \"train\"");
    if (spec.imageHeight <= 0 || spec.imageWidth <= 0)
        missing(spec.kind, "image_size",
                "[height, width], the size every picture is resized to, for example [64, 64]");
    const std::string trainPath = resolve(spec.trainFolder, baseDir);
    const std::vector<std::string> classes = internal::imageFolderClasses(trainPath);
    if (!spec.testFolder.empty())
        internal::requireSameClasses(
            resolve(spec.testFolder, baseDir),
            internal::imageFolderClasses(resolve(spec.testFolder, baseDir)), trainPath, classes);
    ImageFolderOptions options;
    options.height = spec.imageHeight;
    options.width = spec.imageWidth;
    options.channels = spec.color == "grayscale" ? 1 : 3;
    options.skipBadFiles = spec.skipBadFiles;
    options.progress = progress;
    options.limit = spec.limit;
    bundle.train = loadImageFolder(trainPath, options, &bundle.warnings);
    if (!spec.testFolder.empty()) {
        options.limit = spec.testLimit;
        bundle.test = loadImageFolder(resolve(spec.testFolder, baseDir), options, &bundle.warnings);
    }
}

} // namespace

bool holdsPictureValues(const DatasetSpec &spec)
{
    return spec.kind == "idx" || spec.kind == "cifar10" || spec.kind == "image_folder";
}

std::vector<std::string> datasetFiles(const DatasetSpec &spec, const std::string &baseDir)
{
    std::vector<std::string> named;
    if (spec.kind == "idx")
        named = {spec.trainImages, spec.trainLabels, spec.testImages, spec.testLabels};
    else if (spec.kind == "cifar10") {
        named = spec.trainFiles;
        named.push_back(spec.testFile);
        named.push_back(spec.classNamesFile);
    } else if (spec.kind == "csv")
        named = {spec.trainCsv, spec.testCsv};
    else if (spec.kind == "image_folder")
        named = {spec.trainFolder, spec.testFolder};
    std::vector<std::string> files;
    for (const std::string &f : named)
        if (!f.empty())
            files.push_back(resolve(f, baseDir));
    return files;
}

DatasetSpec withResolvedPaths(DatasetSpec spec, const std::string &baseDir)
{
    for (std::string *f :
         {&spec.trainImages, &spec.trainLabels, &spec.testImages, &spec.testLabels, &spec.testFile,
          &spec.classNamesFile, &spec.trainCsv, &spec.testCsv, &spec.trainFolder, &spec.testFolder})
        if (!f->empty())
            *f = resolve(*f, baseDir);
    for (std::string &f : spec.trainFiles)
        if (!f.empty())
            f = resolve(f, baseDir);
    return spec;
}

std::vector<std::string> missingDatasetFiles(const DatasetSpec &spec, const std::string &baseDir)
{
    std::vector<std::string> missing;
    for (const std::string &f : datasetFiles(spec, baseDir)) {
        std::error_code error;
        if (!fs::exists(f, error))
            missing.push_back(f);
    }
    return missing;
}

DatasetBundle loadDataset(const DatasetSpec &spec, const std::string &baseDir)
{
    return loadDataset(spec, baseDir, {});
}

DatasetBundle loadDataset(const DatasetSpec &spec, const std::string &baseDir,
                          const LoadProgress &progress)
{
    if (spec.limit < 0 || spec.testLimit < 0)
        throw DatasetError("limit and test_limit must be 0 (all samples) or positive");
    DatasetBundle bundle;
    bool pixels = false;
    std::vector<std::string> fileNames; // the names a file format gives its classes
    std::string fileNamesSource;
    if (spec.kind == "builtin") {
        bundle.train = generateBuiltin(spec);
    } else if (spec.kind == "idx") {
        require(spec.trainImages, spec.kind, "train_images",
                "the IDX image file, for example train-images-idx3-ubyte.gz");
        require(spec.trainLabels, spec.kind, "train_labels",
                "the IDX label file, for example train-labels-idx1-ubyte.gz");
        const std::string images = resolve(spec.trainImages, baseDir);
        const std::string labels = resolve(spec.trainLabels, baseDir);
        bundle.train = loadIdx(images, labels);
        if (!spec.testImages.empty() || !spec.testLabels.empty()) {
            require(spec.testImages, spec.kind, "test_images",
                    "the test image file, since test_labels is set");
            require(spec.testLabels, spec.kind, "test_labels",
                    "the test label file, since test_images is set");
            const std::string testImages = resolve(spec.testImages, baseDir);
            bundle.test = loadIdx(testImages, resolve(spec.testLabels, baseDir));
            requireSameShape(bundle.train, *bundle.test, testImages);
        }
        if (internal::looksLikeFashionMnist(images) || internal::looksLikeFashionMnist(labels)) {
            fileNames = internal::fashionMnistClassNames();
            fileNamesSource = "The Fashion-MNIST class list";
        }
        pixels = true;
    } else if (spec.kind == "cifar10") {
        if (spec.trainFiles.empty())
            missing(spec.kind, "train_files",
                    "the list of batch files, for example [\"data_batch_1.bin\"]");
        std::vector<std::string> files;
        for (const std::string &f : spec.trainFiles)
            files.push_back(resolve(f, baseDir));
        bundle.train = loadCifar10(files);
        if (!spec.testFile.empty())
            bundle.test = loadCifar10({resolve(spec.testFile, baseDir)});
        if (spec.classNamesFile.empty()) {
            fileNames = internal::cifar10ClassNames();
            fileNamesSource = "The CIFAR-10 class list";
        } else {
            fileNamesSource = resolve(spec.classNamesFile, baseDir);
            fileNames = internal::readCifar10ClassNames(fileNamesSource);
        }
        pixels = true;
    } else if (spec.kind == "csv") {
        require(spec.trainCsv, spec.kind, "train_csv", "the CSV file, for example iris.csv");
        const std::string trainPath = resolve(spec.trainCsv, baseDir);
        bundle.train = loadCsv(trainPath, spec.labelColumn);
        if (!spec.testCsv.empty()) {
            const std::string testPath = resolve(spec.testCsv, baseDir);
            bundle.test = loadCsv(testPath, spec.labelColumn);
            requireSameShape(bundle.train, *bundle.test, testPath);
            alignCsvClasses(bundle.train, *bundle.test, trainPath, testPath);
        }
    } else if (spec.kind == "image_folder") {
        loadImageFolders(spec, baseDir, progress, bundle);
        pixels = true;
    } else {
        throw DatasetError("Unknown dataset kind '" + spec.kind +
                           "': use builtin, idx, cifar10, csv or image_folder");
    }

    applyLimit(bundle.train, spec.limit);
    if (bundle.test)
        applyLimit(*bundle.test, spec.testLimit);

    // One list of class names for both sets: the spec's, else the file format's, else the
    // loader's (numbers grow to cover the test set's labels too).
    const int highest = std::max(maxLabel(bundle.train), bundle.test ? maxLabel(*bundle.test) : -1);
    std::vector<std::string> names;
    std::string source = "The data";
    if (!spec.classNames.empty()) {
        names = spec.classNames;
        source = "class_names";
    } else if (!fileNames.empty()) {
        names = fileNames;
        source = fileNamesSource;
    } else if (hasGenericNames(bundle.train)) {
        names = internal::genericClassNames(std::max(bundle.train.classCount(), highest + 1));
    } else {
        names = bundle.train.classNames;
    }
    if (highest >= static_cast<int>(names.size()))
        throw DatasetError(source + " lists " + std::to_string(names.size()) +
                           " class names but the labels go up to " + std::to_string(highest) +
                           ": give at least " + std::to_string(highest + 1) + " names");
    bundle.train.classNames = names;
    if (bundle.test)
        bundle.test->classNames = names;

    bundle.normalization = internal::fitNormalization(spec.normalization, bundle.train, pixels);
    bundle.normalization.apply(bundle.train);
    if (bundle.test)
        bundle.normalization.apply(*bundle.test);
    return bundle;
}

} // namespace strata

namespace strata {

DatasetOutline outlineDataset(const DatasetSpec &spec, const std::string &baseDir)
{
    DatasetOutline out;
    try {
        if (spec.kind == "builtin") {
            // One sample tells the shape and the classes (named 0..n-1 by the generator).
            DatasetSpec one = spec;
            one.samples = 1;
            const Dataset data = generateBuiltin(one);
            out.sampleShape = data.sampleShape;
            out.classes = data.classCount();
        } else if (spec.kind == "cifar10") {
            out.sampleShape = {3, 32, 32};
            if (spec.classNamesFile.empty())
                out.classes = static_cast<int>(internal::cifar10ClassNames().size());
        } else if (spec.kind == "image_folder" && spec.imageHeight > 0 && spec.imageWidth > 0) {
            out.sampleShape = {spec.color == "grayscale" ? 1 : 3, spec.imageHeight,
                               spec.imageWidth};
            try { // the shape is known even where the folder is not (yet)
                if (!spec.trainFolder.empty())
                    out.classes = static_cast<int>(
                        internal::imageFolderClasses(resolve(spec.trainFolder, baseDir)).size());
            } catch (const std::exception &) {
            }
        } else if (spec.kind == "idx" && !spec.trainImages.empty()) {
            out.sampleShape = internal::idxImageShape(resolve(spec.trainImages, baseDir));
            if (internal::looksLikeFashionMnist(spec.trainImages) ||
                internal::looksLikeFashionMnist(spec.trainLabels))
                out.classes = static_cast<int>(internal::fashionMnistClassNames().size());
        }
    } catch (const std::exception &) {
        return {}; // unreadable here; loading the dataset reports why
    }
    if (!spec.classNames.empty())
        out.classes = static_cast<int>(spec.classNames.size());
    return out;
}

} // namespace strata
