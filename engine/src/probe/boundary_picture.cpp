#include "strata/boundary_picture.h"

#include "io/atomic_file.h"
#include "strata/errors.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace strata {

namespace {

Rgb mix(Rgb a, Rgb b, double t)
{
    auto channel = [t](uint8_t x, uint8_t y) {
        return static_cast<uint8_t>(std::lround(x + (y - x) * std::clamp(t, 0.0, 1.0)));
    };
    return {channel(a.r, b.r), channel(a.g, b.g), channel(a.b, b.b)};
}

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kBlack{0, 0, 0};

class Canvas
{
public:
    explicit Canvas(Picture &p) : p_(p) {}

    void set(int x, int y, Rgb c)
    {
        if (x < 0 || y < 0 || x >= p_.width || y >= p_.height)
            return;
        uint8_t *px = p_.rgb.data() + (static_cast<size_t>(y) * p_.width + x) * 3;
        px[0] = c.r;
        px[1] = c.g;
        px[2] = c.b;
    }

    // A filled disc of radius r around (cx, cy).
    void disc(double cx, double cy, double r, Rgb c)
    {
        for (int y = static_cast<int>(std::floor(cy - r)); y <= static_cast<int>(std::ceil(cy + r));
             ++y)
            for (int x = static_cast<int>(std::floor(cx - r));
                 x <= static_cast<int>(std::ceil(cx + r)); ++x) {
                const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                if (dx * dx + dy * dy <= r * r)
                    set(x, y, c);
            }
    }

private:
    Picture &p_;
};

// The range of the regression scale: the grid's values and the points' targets.
std::pair<double, double> valueRange(const BoundaryGrid &grid,
                                     const std::vector<BoundaryPoint> &points)
{
    double lo = INFINITY, hi = -INFINITY;
    for (float v : grid.values)
        if (std::isfinite(v)) {
            lo = std::min<double>(lo, v);
            hi = std::max<double>(hi, v);
        }
    for (const BoundaryPoint &p : points) {
        lo = std::min<double>(lo, p.label);
        hi = std::max<double>(hi, p.label);
    }
    if (!(lo < hi))
        return {lo - 0.5, lo + 0.5};
    return {lo, hi};
}

} // namespace

Rgb classColor(int index)
{
    static const Rgb palette[] = {
        {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
        {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
    };
    return palette[static_cast<size_t>(std::max(index, 0)) % std::size(palette)];
}

Rgb valueColor(double t)
{
    t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.5;
    return t < 0.5 ? mix(classColor(0), kWhite, t * 2) : mix(kWhite, classColor(1), t * 2 - 1);
}

Rgb shadeColor(int predicted, double confidence)
{
    // Never pure white (the class stays readable at a tie), never the full colour (the
    // points, drawn in it, stay visible).
    return mix(kWhite, classColor(predicted), 0.2 + 0.55 * std::clamp(confidence, 0.0, 1.0));
}

Rgb Picture::at(int x, int y) const
{
    const uint8_t *px = rgb.data() + (static_cast<size_t>(y) * width + x) * 3;
    return {px[0], px[1], px[2]};
}

Picture drawBoundary(const BoundaryGrid &grid, const std::vector<BoundaryPoint> &points, int width,
                     int height)
{
    for (int side : {width, height})
        if (side < kMinPictureSide || side > kMaxPictureSide)
            throw Error("A picture of " + std::to_string(width) + "×" + std::to_string(height) +
                        " pixels cannot be drawn: each side must be " +
                        std::to_string(kMinPictureSide) + " to " + std::to_string(kMaxPictureSide) +
                        " pixels");
    const GridSpec &g = grid.grid;
    const int64_t k = grid.outputs;
    if (k < 1 || static_cast<int64_t>(grid.values.size()) != g.cells() * k)
        throw Error("The decision boundary grid holds no values: evaluate it before drawing");
    Picture pic;
    pic.width = width;
    pic.height = height;
    pic.rgb.assign(static_cast<size_t>(width) * height * 3, 255);
    Canvas canvas(pic);
    const auto [lo, hi] = valueRange(grid, points);

    // Each pixel takes its outputs by bilinear interpolation between the cell centres.
    std::vector<float> out(static_cast<size_t>(k));
    for (int py = 0; py < height; ++py) {
        const double v = std::clamp((height - py - 0.5) / height * g.rows - 0.5, 0.0,
                                    static_cast<double>(g.rows - 1));
        const int r0 = static_cast<int>(v), r1 = std::min(r0 + 1, g.rows - 1);
        const double fv = v - r0;
        for (int px = 0; px < width; ++px) {
            const double u = std::clamp((px + 0.5) / width * g.columns - 0.5, 0.0,
                                        static_cast<double>(g.columns - 1));
            const int c0 = static_cast<int>(u), c1 = std::min(c0 + 1, g.columns - 1);
            const double fu = u - c0;
            const float *a = grid.cell(c0, r0), *b = grid.cell(c1, r0);
            const float *c = grid.cell(c0, r1), *d = grid.cell(c1, r1);
            for (int64_t i = 0; i < k; ++i)
                out[static_cast<size_t>(i)] = static_cast<float>(
                    (a[i] * (1 - fu) + b[i] * fu) * (1 - fv) + (c[i] * (1 - fu) + d[i] * fu) * fv);
            if (grid.kind == BoundaryKind::Regression) {
                canvas.set(px, py, valueColor((out[0] - lo) / (hi - lo)));
            } else {
                const Verdict verdictHere = verdict(grid.kind, out.data(), k);
                canvas.set(px, py, shadeColor(verdictHere.predicted, verdictHere.confidence));
            }
        }
    }

    // Smaller points where there are many, so they do not hide the map.
    const double crowd = std::min(1.0, std::sqrt(400.0 / std::max<size_t>(points.size(), 1)));
    const double radius = std::max(3.0, std::min(width, height) / 80.0 * crowd);
    for (const BoundaryPoint &p : points) {
        const double x = (p.x - g.xMin) / (g.xMax - g.xMin) * width;
        const double y = height - (p.y - g.yMin) / (g.yMax - g.yMin) * height;
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        const Rgb fill = grid.kind == BoundaryKind::Regression
                             ? valueColor((p.label - lo) / (hi - lo))
                             : classColor(p.label);
        if (p.misclassified)
            canvas.disc(x, y, radius + 2.5, kBlack); // a black ring marks a wrong answer
        else
            canvas.disc(x, y, radius + 1.5, kWhite);
        canvas.disc(x, y, radius, fill);
    }
    return pic;
}

void writePng(const Picture &picture, const std::string &path)
{
    std::string bytes;
    auto append = [](void *context, void *data, int size) {
        static_cast<std::string *>(context)->append(static_cast<const char *>(data),
                                                    static_cast<size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &bytes, picture.width, picture.height, 3,
                                picture.rgb.data(), picture.width * 3))
        throw Error("Cannot encode a " + std::to_string(picture.width) + "×" +
                    std::to_string(picture.height) + " picture as PNG for " + path +
                    ": try a smaller --size");
    internal::writeFileAtomically(path, bytes);
}

} // namespace strata
