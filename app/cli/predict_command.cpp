// strata-cli predict: trained weights over new samples, rows of a CSV file or a picture, as
// class probabilities.

#include "trained_model.h"

#include "strata/errors.h"
#include "strata/evaluation.h"
#include "strata/image_input.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace strata::cli {

namespace {

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

// One picture through an image model: its top classes with their probabilities.
int predictImage(const Args &args)
{
    if (args.has("input"))
        throw UsageError{"takes --input or --image, not both"};
    const int top = args.getInt("top", 5);
    if (top < 1)
        throw UsageError{"--top must be at least 1"};
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file and --weights FILE"};
    TrainedModel l = loadTrained(args.positional[0], args);
    const Shape in = l.network->inputShape();
    const std::string path = args.get("image");
    const Picture8 picture = readPicture(path);
    const PictureShape shape = pictureShapeFor(in);
    Dataset d;
    d.sampleShape = in;
    d.features = pictureAsInput(picture, shape);
    d.labels.assign(1, 0);
    l.weights.normalization.apply(d); // as the training data was
    const Tensor p = predict(*l.network, d.features, 1, 1);
    const std::vector<ClassScore> best = topClasses(p.data(), p.numel(), l.weights.classNames, top);
    std::printf("%s (%dx%d, %s) as %dx%d %s:\n", path.c_str(), picture.width, picture.height,
                picture.channels == 1 ? "gray" : "colour", shape.width, shape.height,
                shape.channels == 1 ? "gray" : "colour");
    size_t width = 5;
    for (const ClassScore &c : best)
        width = std::max(width, c.name.size());
    for (size_t i = 0; i < best.size(); ++i)
        std::printf("%2zu. %-*s %6.2f%%\n", i + 1, int(width), best[i].name.c_str(),
                    100.0 * double(best[i].probability));
    return 0;
}

} // namespace

int runPredict(const Args &args)
{
    args.allowOnly({"weights", "input", "device", "image", "top"});
    if (args.has("image"))
        return predictImage(args);
    if (!args.has("input"))
        throw UsageError{"needs --input FILE.csv (one sample per row) or --image PICTURE"};
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file and --weights FILE"};
    TrainedModel l = loadTrained(args.positional[0], args);
    const Shape in = l.network->inputShape();
    int64_t rows = 0;
    std::vector<float> values = readRows(args.get("input"), numel(in), rows);
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

} // namespace strata::cli
