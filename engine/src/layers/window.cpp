#include "layers/window.h"

#include "codegen/python_text.h"
#include "layers/layer_util.h"

#include <algorithm>

namespace strata::internal {

namespace {

const char *const kSides[] = {"pad_top", "pad_bottom", "pad_left", "pad_right"};

// A side's pad: its own value, or `pad` when it is -1 ("same as pad").
int64_t sidePad(const nlohmann::json &p, const char *side)
{
    const int64_t own = intOf(p, side);
    return own >= 0 ? own : intOf(p, "pad");
}

// "the 3×3 kernel", "the 1×7 kernel" or "the 3×3 kernel dilated by 2 (5×5 pixels)".
std::string windowText(const WindowSpec &spec, const std::string &window)
{
    std::string text = "the " + toString({spec.kernelH, spec.kernelW}) + " " + window;
    if (spec.dilation > 1) {
        const int64_t spanH = (spec.kernelH - 1) * spec.dilation + 1;
        const int64_t spanW = (spec.kernelW - 1) * spec.dilation + 1;
        text += " dilated by " + std::to_string(spec.dilation) + " (" + toString({spanH, spanW}) +
                " pixels)";
    }
    return text;
}

} // namespace

int64_t axisParam(const nlohmann::json &p, const std::string &name, char axis)
{
    const std::string own = name + "_" + axis;
    const int64_t v = p.contains(own) ? intOf(p, own.c_str()) : 0;
    return v > 0 ? v : intOf(p, name.c_str());
}

std::vector<ParamSpec> axisParams(const std::string &name, int64_t max,
                                  const std::string &heightHelp, const std::string &widthHelp)
{
    const std::string unset = "; 0 means the " + name + " value";
    return {intParam(name + "_h", 0, 0, double(max), heightHelp + unset, "same as " + name),
            intParam(name + "_w", 0, 0, double(max), widthHelp + unset, "same as " + name)};
}

void setAxisParams(nlohmann::json &params, const std::string &name, int64_t height, int64_t width)
{
    if (height == width) {
        params[name] = height;
        return;
    }
    params[name + "_h"] = height;
    params[name + "_w"] = width;
}

std::vector<std::string> unusedAxisParams(const nlohmann::json &p,
                                          const std::vector<std::string> &names)
{
    std::vector<std::string> unused;
    const auto set = [&](const std::string &key) {
        return p.contains(key) && p.at(key).is_number_integer() && p.at(key).get<int64_t>() > 0;
    };
    for (const std::string &name : names)
        if (set(name + "_h") && set(name + "_w"))
            unused.push_back(name);
    return unused;
}

WindowSpec windowSpec(const nlohmann::json &p, int64_t kernel, int64_t stride)
{
    return windowSpec(p, kernel, kernel, stride, stride);
}

WindowSpec windowSpec(const nlohmann::json &p, int64_t kernelH, int64_t kernelW, int64_t strideH,
                      int64_t strideW)
{
    WindowSpec s;
    s.kernelH = kernelH;
    s.kernelW = kernelW;
    s.strideH = strideH;
    s.strideW = strideW;
    s.padding = choiceOf(p, "padding");
    if (s.padding == "explicit") {
        s.top = sidePad(p, "pad_top");
        s.bottom = sidePad(p, "pad_bottom");
        s.left = sidePad(p, "pad_left");
        s.right = sidePad(p, "pad_right");
    }
    if (p.contains("dilation"))
        s.dilation = intOf(p, "dilation");
    if (p.contains("ceil_mode"))
        s.ceilMode = boolOf(p, "ceil_mode") && s.padding != "same";
    if (p.contains("count_include_pad"))
        s.countIncludePad = boolOf(p, "count_include_pad");
    return s;
}

WindowAxis windowAxis(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                      const std::string &padding, int64_t padBefore, int64_t padAfter,
                      bool ceilMode)
{
    WindowAxis a;
    a.in = in;
    a.kernel = kernel;
    a.stride = stride;
    a.dilation = dilation;
    const int64_t span = a.span();
    if (padding == "same") {
        a.out = (in + stride - 1) / stride;
        const int64_t total = std::max<int64_t>((a.out - 1) * stride + span - in, 0);
        a.padBefore = total / 2;
        a.padAfter = total - a.padBefore;
        return a;
    }
    if (padding == "explicit") {
        a.padBefore = padBefore;
        a.padAfter = padAfter;
    }
    const int64_t padded = in + a.padBefore + a.padAfter;
    if (padded < span)
        return a; // out = 0: the window does not fit
    a.out = (padded - span) / stride + 1;
    if (ceilMode) {
        a.out = (padded - span + stride - 1) / stride + 1;
        if ((a.out - 1) * stride >= in + a.padBefore) // it would start after the image
            --a.out;
        a.overhang = std::max<int64_t>((a.out - 1) * stride + span - padded, 0);
    }
    return a;
}

Window2D window2D(const Shape &input, const WindowSpec &s)
{
    return Window2D{input.at(0), input.at(1),
                    windowAxis(input.at(2), s.kernelH, s.strideH, s.dilation, s.padding, s.top,
                               s.bottom, s.ceilMode),
                    windowAxis(input.at(3), s.kernelW, s.strideW, s.dilation, s.padding, s.left,
                               s.right, s.ceilMode)};
}

Shape windowOutputShape(const Node &node, const Shape &input, int64_t outChannels,
                        const WindowSpec &spec, const std::string &window)
{
    requireRank(node, input, 3, "an image input (channels×height×width)",
                "give the Input node channels, height and width instead of features, and "
                "place this layer before any Flatten or Dense (there is no Reshape layer to "
                "turn a flat vector back into an image)");
    const int64_t spanH = (spec.kernelH - 1) * spec.dilation + 1;
    const int64_t spanW = (spec.kernelW - 1) * spec.dilation + 1;
    if (spec.padding == "explicit") {
        const int64_t pads[] = {spec.top, spec.bottom, spec.left, spec.right};
        for (int i = 0; i < 4; ++i) {
            const int64_t span = i < 2 ? spanH : spanW; // the window along the padded axis
            if (pads[i] >= span)
                throw ShapeError(node.id, describe(node) + ": padding " + std::to_string(pads[i]) +
                                              " pixels on the " + (kSides[i] + 4) +
                                              " is not smaller than " + windowText(spec, window) +
                                              ", so some windows would read only padding: "
                                              "pad at most " +
                                              std::to_string(span - 1) + " on the " +
                                              (i < 2 ? "top and bottom" : "left and right"));
        }
    }
    const Window2D w = window2D({1, input[0], input[1], input[2]}, spec);
    if (w.rows.out < 1 || w.cols.out < 1) {
        const bool padded = spec.padding == "explicit";
        std::string fix;
        if (spec.dilation > 1)
            fix = "lower the dilation, use a smaller " + window + " or pad more";
        else if (padded)
            fix = "pad more or use a " + window + " of at most " +
                  toString({input[1] + spec.top + spec.bottom, input[2] + spec.left + spec.right});
        else
            fix = "set padding to \"same\" or use a " + window + " of at most " +
                  toString({input[1], input[2]});
        throw ShapeError(node.id,
                         describe(node) + ": the input " + toString({input[1], input[2]}) +
                             " (height×width)" +
                             (padded ? " padded to " + toString({input[1] + spec.top + spec.bottom,
                                                                 input[2] + spec.left + spec.right})
                                     : std::string()) +
                             " is smaller than " + windowText(spec, window) + ": " + fix);
    }
    return {outChannels, w.rows.out, w.cols.out};
}

std::vector<ParamSpec> paddingParams()
{
    std::vector<ParamSpec> params{
        choiceParam("padding", "valid", {"valid", "same", "explicit"},
                    "valid: no padding, the image shrinks; same: pad so that "
                    "output = ceil(input / stride); explicit: pad by the pad values"),
        intParam("pad", 0, 0, 255, "Explicit padding: zero pixels added on every side"),
    };
    for (const char *side : kSides)
        params.push_back(intParam(side, -1, -1, 255,
                                  std::string("Explicit padding on the ") + (side + 4) +
                                      " side; -1 means the pad value",
                                  "same as pad"));
    return params;
}

std::vector<std::string> unusedPaddingParams(const nlohmann::json &p)
{
    if (p.contains("padding") && p.at("padding") == "explicit")
        return {};
    return {"pad", kSides[0], kSides[1], kSides[2], kSides[3]};
}

bool unpadded(const Window2D &w)
{
    return w.rows.padBefore == 0 && w.rows.padAfterRead() == 0 && w.cols.padBefore == 0 &&
           w.cols.padAfterRead() == 0;
}

std::string pyPair(int64_t height, int64_t width)
{
    return height == width ? pyInt(height) : pyTuple({height, width});
}

std::string torchPadding(const WindowAxis &rows, const WindowAxis &cols, bool &symmetric)
{
    symmetric = rows.padBefore == rows.padAfter && cols.padBefore == cols.padAfter;
    if (symmetric)
        return rows.padBefore == cols.padBefore ? pyInt(rows.padBefore)
                                                : pyTuple({rows.padBefore, cols.padBefore});
    return torchPadTuple(rows, cols, false);
}

std::string torchPadTuple(const WindowAxis &rows, const WindowAxis &cols, bool withOverhang)
{
    // F.pad takes the last axis first: (left, right, top, bottom).
    const int64_t rowsAfter = withOverhang ? rows.padAfterRead() : rows.padAfter;
    const int64_t colsAfter = withOverhang ? cols.padAfterRead() : cols.padAfter;
    return pyTuple({cols.padBefore, colsAfter, rows.padBefore, rowsAfter});
}

} // namespace strata::internal
