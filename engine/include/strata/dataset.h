#pragma once
// Datasets: samples as float features plus integer class labels and class names. Loaders
// validate everything they read and throw DatasetError naming the file, the offset or line,
// and what was expected.

#include "strata/augmentation.h"
#include "strata/tensor.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace strata {

struct Dataset
{
    std::string name;
    Shape sampleShape;           // {C,H,W} for images, {F} for feature vectors
    std::vector<float> features; // size() * numel(sampleShape), sample after sample
    std::vector<int32_t> labels; // one per sample, in [0, classNames.size())
    std::vector<std::string> classNames;

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t sampleSize() const { return numel(sampleShape); }
    int classCount() const { return static_cast<int>(classNames.size()); }
    const float *sample(int64_t i) const { return features.data() + i * sampleSize(); }
    // Copies the samples at indices[first, first + count) into a batch tensor
    // {count, sampleShape...} and their labels into a {count} tensor.
    void gather(const std::vector<int64_t> &indices, int64_t first, int64_t count, Tensor &x,
                Tensor &y) const;
    // The samples [begin, end) as a new dataset (same classes).
    Dataset slice(int64_t begin, int64_t end) const;
};

// x' = (x * scale - mean[c]) / std[c], c the channel (first axis of the sample shape; one
// entry for all features when mean has a single value).
struct Normalization
{
    std::string mode = "none"; // "none", "scale" (to [0,1]), "standardize" (mean/std per channel)
    float scale = 1.0f;
    std::vector<float> mean;
    std::vector<float> std;

    void apply(Dataset &data) const;
};

struct DatasetSpec
{
    // "builtin": generated sets (name: or, and, xor, spirals, circles, moons, blobs, dummy)
    // "idx": MNIST-format files; "cifar10": CIFAR-10 binary batches; "csv": a CSV table;
    // "image_folder": picture files in one subfolder per class.
    std::string kind = "builtin";
    std::string name = "xor";
    // builtin
    int64_t samples = 0; // 0: the set's natural size
    double noise = 0.0;
    int classes = 0;  // 0: the set's natural count
    int features = 0; // dummy: feature count (0: 32)
    uint64_t seed = 1;
    // idx / csv: paths relative to the project file's folder (or absolute)
    std::string trainImages, trainLabels, testImages, testLabels;
    // cifar10: the training batch files and the test batch file
    std::vector<std::string> trainFiles;
    std::string testFile;
    std::string classNamesFile; // cifar10 batches.meta.txt (optional)
    // csv
    std::string trainCsv, testCsv;
    std::string labelColumn; // column name, or its 0-based index as text; empty: the last
    // image_folder: folders holding one subfolder of pictures per class
    std::string trainFolder, testFolder;
    int imageHeight = 0, imageWidth = 0; // image_size [H, W]: every picture is resized to it
    std::string color = "rgb";           // "rgb" or "grayscale"
    bool skipBadFiles = false;          // skip files that are not readable pictures, with a warning
    int64_t limit = 0;                  // use at most this many training samples (0: all)
    int64_t testLimit = 0;              // use at most this many test samples (0: all)
    std::string normalization = "none"; // "none", "scale", "standardize"
    std::vector<std::string> classNames; // overrides names from files when set
    AugmentationSpec augmentation;       // random changes to training samples (none by default)
};

struct DatasetBundle
{
    Dataset train;
    std::optional<Dataset> test;
    Normalization normalization;       // fitted on train, already applied to train and test
    std::vector<std::string> warnings; // what loading let pass (skipped files), for the user
};

// Reads a spec from JSON; throws ProjectError with the JSON path of what is wrong.
DatasetSpec datasetSpecFromJson(const nlohmann::json &j, const std::string &jsonPath);
nlohmann::json toJson(const DatasetSpec &spec);

// How far a load has come: `done` of `total` steps (pictures decoded, for image folders).
// Called on the thread that called loadDataset, often: keep it cheap.
using LoadProgress = std::function<void(int64_t done, int64_t total)>;

// Loads, validates, normalises. Relative paths are resolved against baseDir.
DatasetBundle loadDataset(const DatasetSpec &spec, const std::string &baseDir);
DatasetBundle loadDataset(const DatasetSpec &spec, const std::string &baseDir,
                          const LoadProgress &progress);

// What is known about a dataset without loading it: an empty sample shape or 0 classes where
// it is not known. Generated sets and CIFAR-10 are known from the spec, IDX files give their
// image size from the header, image folders their shape from the spec and their classes from
// their subfolders (no picture is read), CSV tables are not read. Cheap enough for every
// edit; never throws (a spec that cannot be read is unknown here, and loading it says why).
struct DatasetOutline
{
    Shape sampleShape;
    int classes = 0;
};
DatasetOutline outlineDataset(const DatasetSpec &spec, const std::string &baseDir);
// Whether the spec's samples are pictures of 0-255 values before normalisation (idx, cifar10,
// image_folder): what augmentation's picture transforms need.
bool holdsPictureValues(const DatasetSpec &spec);
// The files (and for image_folder, the folders) a spec reads, relative paths resolved against
// baseDir, in the order the spec names them; none for generated sets.
std::vector<std::string> datasetFiles(const DatasetSpec &spec, const std::string &baseDir);
// The spec with every relative file path resolved against baseDir (for a project that moves
// to another folder, or has none).
DatasetSpec withResolvedPaths(DatasetSpec spec, const std::string &baseDir);
// Those of datasetFiles that do not exist: the data the user has to fetch before training.
std::vector<std::string> missingDatasetFiles(const DatasetSpec &spec, const std::string &baseDir);

// The individual loaders (no normalisation).
Dataset loadIdx(const std::string &imagesPath, const std::string &labelsPath);
Dataset loadCifar10(const std::vector<std::string> &batchFiles);
Dataset loadCsv(const std::string &path, const std::string &labelColumn);

// A folder of pictures, one subfolder per class. Classes are the subfolders (hidden ones
// aside) in sorted order, named after them; a class folder's pictures (.png, .jpg, .jpeg,
// .bmp, .gif, in any case, in its subfolders too) are taken in sorted order. Each picture is
// decoded, converted and resized as readPicture and pictureAsInput do (strata/image_input.h),
// into a C x height x width sample of 0-255 floats. The samples are ordered so that every
// class is spread evenly through the set (the i-th of a class of n pictures sits at
// (i + 0.5) / n), so a validation split's last fraction and a limit's first samples hold
// every class in its share. Throws DatasetError naming the folder or file and what to do:
// no such folder, fewer than two classes, an empty class, a file that is not a readable
// picture (unless skipBadFiles; then each is skipped and counted in *warnings), pictures that
// would not fit in the memory left (checked before any is decoded).
inline constexpr int kMaxImageSize = 4096; // the largest side image_size may ask for
struct ImageFolderOptions
{
    int height = 0, width = 0; // 1..kMaxImageSize
    int channels = 3;          // 1: grayscale, 3: RGB
    bool skipBadFiles = false; // skip unreadable and stray files, with a warning
    int64_t limit = 0;         // decode only the first `limit` samples (0: all); a class
                               // whose share is under one sample then has none
    int threads = 0;           // decoding threads; 0: one per core (the result is the same)
    LoadProgress progress;
};
Dataset loadImageFolder(const std::string &folder, const ImageFolderOptions &options,
                        std::vector<std::string> *warnings = nullptr);
Dataset generateBuiltin(const DatasetSpec &spec);
// Names of the generated sets, with a one-line description each.
std::vector<std::pair<std::string, std::string>> builtinDatasets();

} // namespace strata
