// strata-cli predict: trained weights over new samples, given as rows of a CSV file or as
// pictures (files, or folders of them), as class probabilities.

#include "trained_model.h"

#include "strata/errors.h"
#include "strata/evaluation.h"
#include "strata/image_input.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace strata::cli {

namespace {

namespace fs = std::filesystem;

// Rows of numbers separated by commas, spaces or tabs; a first row that is not numeric is a
// header and skipped.
std::vector<float> readRows(const std::string &path, int64_t rowSize, int64_t &rows)
{
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot open the file");
    std::vector<float> values;
    std::string line;
    int lineNo = 0;
    rows = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        for (char &c : line)
            if (c == ',' || c == '\t' || c == ';' || c == '\r')
                c = ' ';
        std::istringstream s(line);
        std::vector<float> row;
        std::string cell;
        bool numeric = true;
        while (s >> cell) {
            try {
                size_t used = 0;
                row.push_back(std::stof(cell, &used));
                numeric = numeric && used == cell.size();
            } catch (const std::exception &) {
                numeric = false;
            }
            if (!numeric)
                break;
        }
        if (row.empty() && numeric)
            continue; // blank line
        if (!numeric) {
            if (lineNo == 1)
                continue;
            throw Error(path + ": line " + std::to_string(lineNo) + ": '" + cell +
                        "' is not a number");
        }
        if (static_cast<int64_t>(row.size()) != rowSize)
            throw Error(path + ": line " + std::to_string(lineNo) + " has " +
                        std::to_string(row.size()) + " values but the model's input takes " +
                        std::to_string(rowSize));
        values.insert(values.end(), row.begin(), row.end());
        ++rows;
    }
    if (rows == 0)
        throw Error(path + ": no rows of numbers found");
    return values;
}

// Every class's probability for each row of a CSV file, as CSV.
int predictRows(const std::string &projectPath, const std::string &csv, const Args &args)
{
    if (args.has("top") || args.has("json"))
        throw UsageError{"--top and --json are for pictures; a CSV input gives every class's "
                         "probability for each row"};
    TrainedModel l = loadTrained(projectPath, args);
    const Shape in = l.network->inputShape();
    int64_t rows = 0;
    std::vector<float> values = readRows(csv, numel(in), rows);
    // The same normalisation as in training, recorded in the weights file.
    Dataset d;
    d.sampleShape = in;
    d.features = std::move(values);
    d.labels.assign(static_cast<size_t>(rows), 0);
    l.weights.normalization.apply(d);
    Tensor p = predict(*l.network, d.features, rows, l.project.training.batchSize);
    const int64_t k = p.numel() / rows;
    const auto &names = l.weights.classNames;
    if (k == 1) {
        std::printf("%s\n", names.size() == 2 ? ("p(" + names[1] + ")").c_str() : "p(1)");
    } else {
        for (int64_t c = 0; c < k; ++c)
            std::printf("%s%s", c ? "," : "",
                        c < static_cast<int64_t>(names.size())
                            ? names[static_cast<size_t>(c)].c_str()
                            : std::to_string(c).c_str());
        std::printf("\n");
    }
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t c = 0; c < k; ++c)
            std::printf("%s%.6f", c ? "," : "", p.data()[i * k + c]);
        std::printf("\n");
    }
    return 0;
}

// Whether an input is a CSV file of rows rather than a picture or a folder of pictures: by
// its extension (.csv, .tsv, .txt), else any existing file that is not a picture by its name
// or first bytes (a .dat file, a pipe). A missing file counts as a picture, to be reported as
// missing with the others.
bool isRowsFile(const std::string &path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return false;
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt")
        return true;
    return !hasPictureExtension(path) && !looksLikePicture(path) && fs::exists(path, ec);
}

// A path in a message: long ones shortened to their start and end.
std::string shortPath(const std::string &path)
{
    return "'" +
           (path.size() <= 80 ? path : path.substr(0, 38) + "..." + path.substr(path.size() - 38)) +
           "'";
}

// One picture to predict, or why there is none (a folder without pictures).
struct PictureInput
{
    std::string path;
    std::string error;
};

// A folder's picture files by their names (not its subfolders'), sorted by name; a folder
// without any gives one input with the error.
std::vector<PictureInput> picturesIn(const std::string &folder)
{
    std::vector<PictureInput> found;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code fileEc;
        if (hasPictureExtension(it->path().string()) && it->is_regular_file(fileEc))
            found.push_back({it->path().string(), {}});
    }
    if (ec)
        return {{folder, folder + ": cannot be listed (" + ec.message() + ")"}};
    if (found.empty())
        return {{folder, folder + ": holds no pictures (.png, .jpg, .jpeg, .bmp or .gif files)"}};
    std::sort(found.begin(), found.end(),
              [](const PictureInput &a, const PictureInput &b) { return a.path < b.path; });
    return found;
}

// A number in JSON, with the digits a float needs to be read back exactly.
std::string jsonNumber(float v)
{
    if (!std::isfinite(v))
        return "null";
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", double(v));
    return text;
}

std::string jsonString(const std::string &s)
{
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Prints each picture's answer as it comes: its top classes as a block of text, or with
// --json as one element of an array; failures go to stderr.
class PictureReport
{
public:
    PictureReport(bool json, int top, const std::vector<std::string> &classNames)
        : json_(json), top_(top), classNames_(classNames)
    {
    }

    void answer(const std::string &path, const Picture8 &picture, const PictureShape &shape,
                const float *p, int64_t k)
    {
        const std::vector<ClassScore> best = topClasses(p, k, classNames_, top_);
        if (json_) {
            std::string line = std::string(printed_ ? ",\n  " : "[\n  ") +
                               "{\"file\": " + jsonString(path) + ", \"predictions\": [";
            for (int64_t c = 0; c < k; ++c)
                line += (c ? ", " : "") + jsonNumber(p[c]);
            line += "], \"top\": [";
            for (size_t i = 0; i < best.size(); ++i)
                line += std::string(i ? ", " : "") + "{\"class\": " + jsonString(best[i].name) +
                        ", \"index\": " + std::to_string(best[i].index) +
                        ", \"probability\": " + jsonNumber(best[i].probability) + "}";
            std::fputs((line + "]}").c_str(), stdout);
        } else {
            std::printf("%s%s (%dx%d, %s) as %dx%d %s:\n", printed_ ? "\n" : "", path.c_str(),
                        picture.width, picture.height, picture.channels == 1 ? "gray" : "colour",
                        shape.width, shape.height, shape.channels == 1 ? "gray" : "colour");
            size_t width = 5;
            for (const ClassScore &c : best)
                width = std::max(width, c.name.size());
            for (size_t i = 0; i < best.size(); ++i)
                std::printf("%2zu. %-*s %6.2f%%\n", i + 1, int(width), best[i].name.c_str(),
                            100.0 * double(best[i].probability));
        }
        printed_ = true;
    }

    void fail(const std::string &message)
    {
        std::fflush(stdout); // in order with the answers before it on a terminal
        std::cerr << "strata-cli predict: " << message << "\n";
        failed_ = true;
    }

    // Closes the array; the exit code: 1 when any picture failed.
    int finish()
    {
        if (json_)
            std::printf(printed_ ? "\n]\n" : "[]\n");
        return failed_ ? 1 : 0;
    }

private:
    bool json_;
    int top_;
    const std::vector<std::string> &classNames_;
    bool printed_ = false, failed_ = false;
};

// The model a picture is given to: the weights, and the shape a picture takes as its input
// (or why it takes none).
struct PictureModel
{
    TrainedModel trained;
    std::optional<PictureShape> shape;
    std::string shapeError;
};

// Answers a batch of pictures, read, converted and resized to the model's input and
// normalised as in training; one that cannot be read is reported and the others answered.
// Throws Error, at its first readable picture, for a model that takes no pictures (so that the
// files' own problems are told first).
void answerBatch(PictureModel &m, const PictureInput *inputs, size_t count, PictureReport &report)
{
    struct Read
    {
        const PictureInput *input;
        Picture8 picture; // its size and channels; the pixels are dropped once it is an input
        std::string error;
    };
    std::vector<Read> read;
    Dataset d;
    d.sampleShape = m.trained.network->inputShape();
    for (const PictureInput *input = inputs; input != inputs + count; ++input) {
        Read r{input, {}, input->error};
        if (r.error.empty()) {
            try {
                r.picture = readPicture(input->path);
            } catch (const Error &e) {
                r.error = e.what();
            }
        }
        if (r.error.empty()) {
            if (!m.shape) {
                for (const Read &earlier : read) // all failed
                    report.fail(earlier.error);
                throw Error(input->path + ": " + m.shapeError);
            }
            const std::vector<float> x = pictureAsInput(r.picture, *m.shape);
            d.features.insert(d.features.end(), x.begin(), x.end());
            r.picture.pixels = {};
        }
        read.push_back(std::move(r));
    }
    const int64_t n = d.sampleSize() ? int64_t(d.features.size()) / d.sampleSize() : 0;
    Tensor p;
    if (n > 0) {
        d.labels.assign(size_t(n), 0);
        m.trained.weights.normalization.apply(d); // as the training data was
        p = predict(*m.trained.network, d.features, n, int(n));
    }
    const int64_t k = n > 0 ? p.numel() / n : 0;
    int64_t next = 0;
    for (const Read &r : read) {
        if (!r.error.empty())
            report.fail(r.error);
        else
            report.answer(r.input->path, r.picture, *m.shape, p.data() + k * next++, k);
    }
}

// Each picture's top classes, the pictures (and folders' pictures) a batch at a time.
int predictPictures(const std::string &projectPath, const std::vector<std::string> &paths,
                    const Args &args)
{
    const int top = args.getInt("top", 5);
    if (top < 1)
        throw UsageError{"--top must be at least 1"};
    std::vector<PictureInput> inputs;
    for (const std::string &path : paths) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            const std::vector<PictureInput> found = picturesIn(path);
            inputs.insert(inputs.end(), found.begin(), found.end());
        } else {
            inputs.push_back({path, {}});
        }
    }
    PictureModel m{loadTrained(projectPath, args), {}, {}};
    try {
        m.shape = pictureShapeFor(m.trained.network->inputShape());
    } catch (const Error &e) {
        m.shapeError = e.what();
    }
    const size_t batch = size_t(std::max(1, m.trained.project.training.batchSize));
    PictureReport report(args.has("json"), top, m.trained.weights.classNames);
    for (size_t first = 0; first < inputs.size(); first += batch)
        answerBatch(m, inputs.data() + first, std::min(batch, inputs.size() - first), report);
    return report.finish();
}

} // namespace

int runPredict(const Args &args)
{
    args.allowOnly({"weights", "input", "device", "image", "top", "json"});
    const bool image = args.has("image");
    if (image && args.has("input"))
        throw UsageError{"takes --input or --image, not both"};
    if (!image && !args.has("input"))
        throw UsageError{"needs --input FILE.csv (one sample per row), or --input followed by "
                         "pictures or folders of pictures"};
    if (args.positional.empty())
        throw UsageError{"expects one project file and --weights FILE"};
    size_t given = 0;
    for (const auto &option : args.options)
        given += option.first == "input" || option.first == "image";
    if (given > 1)
        throw UsageError{"takes one --input; further pictures follow it: --input a.png b.png"};
    // PROJECT --input FIRST [MORE...]: the arguments after the project are further inputs.
    std::vector<std::string> inputs{args.get(image ? "image" : "input")};
    inputs.insert(inputs.end(), args.positional.begin() + 1, args.positional.end());
    std::vector<std::string> rows, pictures;
    for (const std::string &path : inputs)
        (!image && isRowsFile(path) ? rows : pictures).push_back(path);
    if (!rows.empty() && !pictures.empty())
        throw UsageError{"takes one CSV file or pictures, not both: " + shortPath(rows[0]) +
                         " is read as a CSV file and " + shortPath(pictures[0]) + " as a picture"};
    if (rows.size() > 1)
        throw UsageError{"takes one CSV file, not " + std::to_string(rows.size())};
    if (!rows.empty())
        return predictRows(args.positional[0], rows[0], args);
    return predictPictures(args.positional[0], pictures, args);
}

} // namespace strata::cli
