// The image folder loader: class folders listed and checked before any picture is read, the
// pictures decoded by worker threads into their fixed places (so the result does not depend
// on the number of threads), with the decoding and resizing `strata-cli predict` uses.

#include "data/image_folder.h"

#include "data/data_file.h"

#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/image_input.h"
#include "strata/memory.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>

namespace strata {

namespace {

namespace fs = std::filesystem;

const char *kSkipAdvice = "set skip_bad_files: true to skip such files with a warning";

bool isHidden(const fs::path &p)
{
    const std::string name = p.filename().string();
    return !name.empty() && name.front() == '.';
}

// "a/b/" and "a/b" alike: the folder's own name.
std::string folderName(const std::string &folder)
{
    fs::path p = fs::path(folder).lexically_normal();
    if (p.filename().empty())
        p = p.parent_path();
    return p.filename().string();
}

struct Listing
{
    std::vector<std::string> classNames;
    std::vector<std::string> files; // sample order (classes interleaved)
    std::vector<int32_t> labels;
    std::vector<std::string> stray; // files that are not pictures by their name
};

// The pictures of one class folder, sorted, and its stray files. Hidden files and folders are
// passed over; subfolders are searched too (symbolic links to folders are not followed).
void listClass(const fs::path &dir, std::vector<std::string> &pictures,
               std::vector<std::string> &stray)
{
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::directory_entry &entry = *it;
        if (isHidden(entry.path())) {
            it.disable_recursion_pending();
            continue;
        }
        std::error_code statError;
        if (entry.is_directory(statError))
            continue;
        const std::string path = entry.path().string();
        if (entry.is_regular_file(statError) && hasPictureExtension(path))
            pictures.push_back(path);
        else
            stray.push_back(path);
    }
    if (ec)
        internal::throwFileError(dir.string(), "cannot be listed (" + ec.message() +
                                                   "): check that the folder is readable");
    std::sort(pictures.begin(), pictures.end());
    std::sort(stray.begin(), stray.end());
}

// Places the i-th of a class of n pictures at (i + 0.5) / n, so every class spreads evenly
// through the set; ties go to the lower class. Compared exactly, as fractions.
Listing interleave(const std::vector<std::vector<std::string>> &perClass)
{
    struct Place
    {
        int64_t index, count;
        int32_t label;
    };
    std::vector<Place> places;
    for (size_t c = 0; c < perClass.size(); ++c)
        for (size_t i = 0; i < perClass[c].size(); ++i)
            places.push_back({int64_t(i), int64_t(perClass[c].size()), int32_t(c)});
    std::sort(places.begin(), places.end(), [](const Place &a, const Place &b) {
        const int64_t left = (2 * a.index + 1) * b.count, right = (2 * b.index + 1) * a.count;
        return left != right ? left < right : a.label < b.label;
    });
    Listing out;
    for (const Place &p : places) {
        out.files.push_back(perClass[size_t(p.label)][size_t(p.index)]);
        out.labels.push_back(p.label);
    }
    return out;
}

Listing listFolder(const std::string &folder, bool skipBadFiles)
{
    const std::vector<std::string> classes = internal::imageFolderClasses(folder);
    std::vector<std::vector<std::string>> perClass(classes.size());
    std::vector<std::string> stray;
    for (size_t c = 0; c < classes.size(); ++c) {
        const fs::path dir = fs::path(folder) / classes[c];
        listClass(dir, perClass[c], stray);
        if (perClass[c].empty())
            internal::throwFileError(
                dir.string(), "class '" + classes[c] +
                                  "' has no pictures (.png, .jpg, .jpeg, .bmp or .gif files): "
                                  "add its pictures, or remove the folder");
    }
    if (!stray.empty() && !skipBadFiles)
        internal::throwFileError(
            stray.front(),
            "is not a picture (a class folder holds .png, .jpg, .jpeg, .bmp or "
            ".gif files): move it out of the class folder, or " +
                std::string(kSkipAdvice) +
                (stray.size() > 1 ? " (" + std::to_string(stray.size()) + " files like it)"
                                  : std::string()));
    Listing listing = interleave(perClass);
    listing.classNames = classes;
    listing.stray = std::move(stray);
    return listing;
}

// Decodes files[i] into features[i * per ...] on `threads` threads; returns the message of
// every file that failed (by index). Without skipping, decoding stops soon after a failure,
// but every file before the first failure is still decoded, so the first failure reported is
// the same whatever the threads. Anything else thrown (by the progress callback, or out of
// memory) stops every thread and is thrown again here.
std::map<int64_t, std::string> decodeAll(const std::vector<std::string> &files,
                                         const PictureShape &shape, std::vector<float> &features,
                                         const ImageFolderOptions &options)
{
    const auto n = static_cast<int64_t>(files.size());
    const int64_t per = int64_t(shape.channels) * shape.height * shape.width;
    std::atomic<int64_t> next{0}, done{0}, firstFailure{n};
    std::mutex mutex;
    std::map<int64_t, std::string> failures;
    std::exception_ptr stopped;
    const auto decode = [&](bool reports) {
        for (int64_t i = next++; i < n; i = next++) {
            if (!options.skipBadFiles && i > firstFailure.load())
                break; // claims only grow: nothing after a failure is needed
            try {
                const std::vector<float> x = pictureAsInput(readPicture(files[size_t(i)]), shape);
                std::copy(x.begin(), x.end(), features.begin() + i * per);
            } catch (const std::bad_alloc &) {
                throw; // not the file's fault
            } catch (const std::exception &e) {
                const std::lock_guard lock(mutex);
                failures.emplace(i, e.what());
                int64_t seen = firstFailure.load();
                while (i < seen && !firstFailure.compare_exchange_weak(seen, i)) {
                }
            }
            const int64_t d = ++done;
            if (reports && options.progress && d < n)
                options.progress(d, n);
        }
    };
    const auto work = [&](bool reports) {
        try {
            decode(reports);
        } catch (...) {
            next = n; // the other threads stop at their next picture
            const std::lock_guard lock(mutex);
            if (!stopped)
                stopped = std::current_exception();
        }
    };
    // One thread per core, but not for a handful of pictures.
    const int64_t threads =
        options.threads > 0
            ? std::min<int64_t>(options.threads, n)
            : std::min<int64_t>(std::max(1u, std::thread::hardware_concurrency()), n / 8);
    std::vector<std::thread> workers;
    for (int64_t t = 1; t < threads; ++t) {
        try {
            workers.emplace_back(work, false);
        } catch (const std::system_error &) {
            break; // no more threads to be had: the others share the work
        }
    }
    work(true); // this thread decodes too, and reports the progress
    for (std::thread &w : workers)
        w.join();
    if (stopped)
        std::rethrow_exception(stopped);
    if (options.progress)
        options.progress(n, n);
    return failures;
}

std::string plural(int64_t count, const std::string &what)
{
    return std::to_string(count) + " " + what + (count == 1 ? "" : "s");
}

} // namespace

namespace internal {

std::vector<std::string> imageFolderClasses(const std::string &folder)
{
    std::error_code ec;
    const fs::file_status status = fs::status(folder, ec);
    if (!fs::exists(status))
        throwFileError(folder, "no such folder: give the folder that holds one subfolder of "
                               "pictures per class (a relative path starts at the project's "
                               "folder)");
    if (!fs::is_directory(status))
        throwFileError(folder, "is a file, not a folder: give the folder that holds one "
                               "subfolder of pictures per class");
    std::vector<std::string> classes;
    int64_t loosePictures = 0;
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (isHidden(it->path()))
            continue;
        std::error_code statError;
        if (it->is_directory(statError))
            classes.push_back(it->path().filename().string());
        else if (hasPictureExtension(it->path().string()))
            ++loosePictures;
    }
    if (ec)
        throwFileError(folder, "cannot be listed (" + ec.message() +
                                   "): check that the folder is readable");
    std::sort(classes.begin(), classes.end());
    if (classes.empty())
        throwFileError(folder, loosePictures > 0
                                   ? "holds pictures but no class folders: put each class's "
                                     "pictures in a subfolder named after the class (for "
                                     "example cat/ and dog/)"
                                   : "has no class folders: it needs one subfolder of "
                                     "pictures per class (for example cat/ and dog/)");
    if (classes.size() == 1)
        throwFileError(folder, "has one class folder ('" + classes.front() +
                                   "'), but a classifier needs at least two classes: add a "
                                   "subfolder for each other class (or give the folder above, "
                                   "if this is a class folder)");
    return classes;
}

void requireSameClasses(const std::string &testFolder, const std::vector<std::string> &testClasses,
                        const std::string &trainFolder,
                        const std::vector<std::string> &trainClasses)
{
    for (const std::string &c : trainClasses)
        if (!std::binary_search(testClasses.begin(), testClasses.end(), c))
            throwFileError(testFolder, "has no folder for class '" + c +
                                           "', which the training folder " + trainFolder +
                                           " has: the test folder needs the same class "
                                           "folders");
    for (const std::string &c : testClasses)
        if (!std::binary_search(trainClasses.begin(), trainClasses.end(), c))
            throwFileError(testFolder, "has a class folder '" + c + "' that the training folder " +
                                           trainFolder +
                                           " lacks: the test folder needs the same class "
                                           "folders");
}

} // namespace internal

Dataset loadImageFolder(const std::string &folder, const ImageFolderOptions &options,
                        std::vector<std::string> *warnings)
{
    if (options.height < 1 || options.height > kMaxImageSize || options.width < 1 ||
        options.width > kMaxImageSize)
        throw DatasetError("image_size must be [height, width], each 1 to " +
                           std::to_string(kMaxImageSize) + ", not " +
                           std::to_string(options.height) + "×" + std::to_string(options.width));
    if (options.channels != 1 && options.channels != 3)
        throw DatasetError("an image folder's pictures have 1 (grayscale) or 3 (rgb) channels");
    Listing listing = listFolder(folder, options.skipBadFiles);
    if (options.limit > 0 && options.limit < int64_t(listing.files.size())) {
        listing.files.resize(size_t(options.limit));
        listing.labels.resize(size_t(options.limit));
    }
    const PictureShape shape{options.channels, options.height, options.width, false};
    const auto n = static_cast<int64_t>(listing.files.size());
    const int64_t per = int64_t(shape.channels) * shape.height * shape.width;
    const std::string sizeText = std::to_string(shape.channels) + "×" +
                                 std::to_string(shape.height) + "×" + std::to_string(shape.width);
    if (std::string m = memoryShortfall(
            double(n) * double(per) * sizeof(float),
            "Keeping " + plural(n, "picture") + " of " + sizeText + " decoded",
            "use a smaller image_size, grayscale instead of rgb, fewer pictures (limit) or a "
            "machine with more memory");
        !m.empty())
        internal::throwFileError(folder, m);

    Dataset data;
    data.name = folderName(folder);
    data.sampleShape = {shape.channels, shape.height, shape.width};
    data.classNames = listing.classNames;
    data.features.resize(size_t(n * per));
    const std::map<int64_t, std::string> failures =
        decodeAll(listing.files, shape, data.features, options);
    if (!failures.empty() && !options.skipBadFiles)
        throw DatasetError(
            failures.begin()->second + " (a picture in class folder '" +
            listing.classNames[size_t(listing.labels[size_t(failures.begin()->first)])] +
            "'): replace or remove it, or " + kSkipAdvice);

    // A class whose pictures all lie past the limit has no samples, as with any loader's limit;
    // one whose pictures were all skipped is an error.
    std::vector<int64_t> decoded(data.classNames.size(), 0);
    for (int32_t label : listing.labels)
        ++decoded[size_t(label)];

    // Skipped pictures leave their places: the others move up, in order.
    int64_t kept = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (failures.count(i))
            continue;
        if (kept != i)
            std::copy_n(data.features.begin() + i * per, per, data.features.begin() + kept * per);
        listing.labels[size_t(kept++)] = listing.labels[size_t(i)];
    }
    data.features.resize(size_t(kept * per));
    listing.labels.resize(size_t(kept));
    data.labels = std::move(listing.labels);
    std::vector<int64_t> perClass(data.classNames.size(), 0);
    for (int32_t label : data.labels)
        ++perClass[size_t(label)];
    for (size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] == 0 && decoded[c] > 0)
            internal::throwFileError((fs::path(folder) / data.classNames[c]).string(),
                                     "class '" + data.classNames[c] +
                                         "' has no picture Strata can read: every one was "
                                         "skipped");
    const auto bad = static_cast<int64_t>(failures.size());
    const auto stray = static_cast<int64_t>(listing.stray.size());
    if (warnings && bad + stray > 0) {
        std::string text = folder + ": skipped " + plural(bad + stray, "file") + " of " +
                           std::to_string(n + stray) + " that " +
                           (bad + stray == 1 ? "is" : "are") + " not a picture Strata can read";
        if (bad > 0)
            text += "; first: " + failures.begin()->second;
        else
            text += "; first: " + listing.stray.front();
        warnings->push_back(text);
    }
    return data;
}

} // namespace strata
