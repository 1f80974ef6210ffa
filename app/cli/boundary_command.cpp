// strata-cli boundary: the decision boundary of trained weights as a PNG picture.

#include "cli.h"

#include "strata/boundary_picture.h"
#include "strata/decision_boundary.h"
#include "strata/errors.h"
#include "strata/probe.h"
#include "strata/project.h"
#include "strata/weights_file.h"

#include <cstdio>
#include <optional>

namespace strata::cli {

namespace {

// Cells per side of the grid the model is evaluated on; pixels between cell centres are
// interpolated.
constexpr int kBoundaryCells = 200;

// "WIDTHxHEIGHT" in pixels.
std::pair<int, int> parseSize(const std::string &text)
{
    const UsageError bad{
        "--size expects WIDTHxHEIGHT in pixels, each " + std::to_string(kMinPictureSide) + " to " +
        std::to_string(kMaxPictureSide) + ", such as 600x600, not '" + text.substr(0, 40) + "'"};
    const size_t x = text.find_first_of("xX");
    if (x == std::string::npos || x == 0 || x + 1 == text.size())
        throw bad;
    int side[2] = {0, 0};
    const std::string parts[2] = {text.substr(0, x), text.substr(x + 1)};
    for (int i = 0; i < 2; ++i) {
        if (parts[i].size() > 5 || parts[i].find_first_not_of("0123456789") != std::string::npos)
            throw bad;
        side[i] = std::stoi(parts[i]);
        if (side[i] < kMinPictureSide || side[i] > kMaxPictureSide)
            throw bad;
    }
    return {side[0], side[1]};
}

} // namespace

int runBoundary(const Args &args)
{
    args.allowOnly({"weights", "out", "size", "device"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file, --weights FILE and --out PICTURE.png"};
    if (!args.has("weights"))
        throw UsageError{"needs --weights FILE (final.safetensors or best.safetensors from "
                         "strata-cli train --out DIR)"};
    if (!args.has("out") || args.get("out").empty())
        throw UsageError{"needs --out PICTURE.png, where to write the picture"};
    const auto [width, height] = parseSize(args.get("size", "600x600"));
    const std::string projectPath = args.positional[0];
    const Project project = loadProject(projectPath);
    Probe probe(project, args.get("device", "cpu"));
    requireTwoFeatures(probe.inputShape()); // before the weights and data are read
    const std::string weightsPath = args.get("weights");
    const WeightsFile weights = loadWeights(weightsPath);
    try {
        probe.loadWeights(weights.weights);
    } catch (const Error &e) {
        throw Error(weightsPath + ": " + e.what() + " (train this project to get its weights)");
    }

    const DatasetBundle data = loadDataset(project.dataset, projectBaseDir(projectPath));
    const Dataset *test = data.test ? &*data.test : nullptr;
    const GridSpec spec = gridAround({&data.train, test}, kBoundaryCells, kBoundaryCells);
    const BoundaryGrid grid = evaluateGrid(probe, spec);
    std::vector<BoundaryPoint> points = boundaryPoints(probe, data.train, false);
    if (test) {
        const auto held = boundaryPoints(probe, *test, true);
        points.insert(points.end(), held.begin(), held.end());
    }
    writePng(drawBoundary(grid, points, width, height), args.get("out"));

    int wrong = 0;
    for (const BoundaryPoint &p : points)
        wrong += p.misclassified;
    std::printf("Wrote %s (%dx%d): x from %.3g to %.3g, y from %.3g to %.3g; %d of %zu points "
                "misclassified (ringed in black)\n",
                args.get("out").c_str(), width, height, spec.xMin, spec.xMax, spec.yMin, spec.yMax,
                wrong, points.size());
    return 0;
}

} // namespace strata::cli
