#pragma once
// The decision boundary as a picture, drawn without a display (strata-cli boundary): the
// predicted class shaded by confidence over the grid, the dataset's points coloured by class,
// misclassified ones ringed in black. One output under mse is coloured by value instead.

#include "strata/decision_boundary.h"

#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct Rgb
{
    uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb &) const = default;
};

// The colour of class `index` (matplotlib's tab10, cycled): the same list as the studio's
// scatter plot (widgets/scatter_plot.cpp), so a class looks alike everywhere.
Rgb classColor(int index);
// A value on the regression scale, t in [0, 1]: class 0's colour, through white, to class 1's.
Rgb valueColor(double t);
// The colour of a grid cell: its class's colour mixed into white, the more the surer.
Rgb shadeColor(int predicted, double confidence);

struct Picture
{
    int width = 0, height = 0;
    std::vector<uint8_t> rgb; // row after row from the top, 3 bytes a pixel

    Rgb at(int x, int y) const;
};

// Smallest and largest size `strata-cli boundary --size` accepts.
inline constexpr int kMinPictureSide = 16;
inline constexpr int kMaxPictureSide = 8192;

// Draws the grid over the whole picture (x to the right, y up) and the points on it. Throws
// Error for a size outside [kMinPictureSide, kMaxPictureSide] or a grid without values.
Picture drawBoundary(const BoundaryGrid &grid, const std::vector<BoundaryPoint> &points, int width,
                     int height);

// Writes the picture as PNG, whole or not at all. Throws Error naming the path.
void writePng(const Picture &picture, const std::string &path);

} // namespace strata
