#include "data/normalization.h"

#include "strata/errors.h"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {

// The number of channels a sample has: its first axis (1 for a scalar sample).
int64_t channelCount(const Dataset &data)
{
    return data.sampleShape.empty() ? 1 : data.sampleShape.front();
}

void checkChannels(const char *what, size_t entries, const Dataset &data)
{
    const int64_t channels = channelCount(data);
    if (entries > 1 && static_cast<int64_t>(entries) != channels)
        throw DatasetError("The normalization has " + std::to_string(entries) + " " + what +
                           " values but the samples of '" + data.name + "' (" +
                           toString(data.sampleShape) + ") have " + std::to_string(channels) +
                           " channels: give one value, or one per channel");
}

} // namespace

void Normalization::apply(Dataset &data) const
{
    if (scale == 1.0f && mean.empty() && std.empty())
        return;
    checkChannels("mean", mean.size(), data);
    checkChannels("std", std.size(), data);
    const int64_t channels = channelCount(data);
    const int64_t perChannel = channels > 0 ? data.sampleSize() / channels : 0;
    std::vector<float> shift(size_t(channels), 0.0f);
    std::vector<float> divide(size_t(channels), 1.0f);
    for (int64_t c = 0; c < channels; ++c) {
        if (!mean.empty())
            shift[size_t(c)] = mean.size() == 1 ? mean[0] : mean[size_t(c)];
        if (!std.empty())
            divide[size_t(c)] = std.size() == 1 ? std[0] : std[size_t(c)];
    }
    float *x = data.features.data();
    for (int64_t i = 0; i < data.size(); ++i)
        for (int64_t c = 0; c < channels; ++c) {
            const float m = shift[size_t(c)];
            const float s = divide[size_t(c)];
            for (int64_t k = 0; k < perChannel; ++k, ++x)
                *x = (*x * scale - m) / s;
        }
}

Normalization internal::fitNormalization(const std::string &mode, const Dataset &train,
                                         bool imageScale)
{
    Normalization norm;
    norm.mode = mode;
    if (mode == "none")
        return norm;
    if (mode == "scale") {
        if (imageScale) {
            norm.scale = 1.0f / 255.0f;
            return norm;
        }
        float lo = 0.0f;
        float hi = 0.0f;
        float maxAbs = 0.0f;
        for (float v : train.features) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            maxAbs = std::max(maxAbs, std::fabs(v));
        }
        if ((lo < 0.0f || hi > 1.0f) && maxAbs > 0.0f)
            norm.scale = 1.0f / maxAbs;
        return norm;
    }
    if (mode != "standardize")
        throw DatasetError("Unknown normalization '" + mode + "': use none, scale or standardize");

    norm.scale = imageScale ? 1.0f / 255.0f : 1.0f;
    const int64_t channels = channelCount(train);
    const int64_t perChannel = channels > 0 ? train.sampleSize() / channels : 0;
    const double count = double(train.size()) * double(perChannel);
    std::vector<double> sum(size_t(channels), 0.0);
    std::vector<double> squares(size_t(channels), 0.0);
    // Two passes (mean, then squared deviations) keep the variance of a constant channel at
    // exactly 0 and avoid the cancellation of sum-of-squares.
    for (int pass = 0; pass < 2; ++pass) {
        const float *x = train.features.data();
        for (int64_t i = 0; i < train.size(); ++i)
            for (int64_t c = 0; c < channels; ++c) {
                const double m = pass ? sum[size_t(c)] / count : 0.0;
                double acc = 0.0;
                for (int64_t k = 0; k < perChannel; ++k, ++x) {
                    const double v = double(*x) * double(norm.scale);
                    acc += pass ? (v - m) * (v - m) : v;
                }
                (pass ? squares : sum)[size_t(c)] += acc;
            }
    }
    for (int64_t c = 0; c < channels; ++c) {
        const double m = count > 0 ? sum[size_t(c)] / count : 0.0;
        const double sd = count > 0 ? std::sqrt(squares[size_t(c)] / count) : 0.0;
        norm.mean.push_back(static_cast<float>(m));
        norm.std.push_back(sd > 1e-12 ? static_cast<float>(sd) : 1.0f);
    }
    return norm;
}

} // namespace strata
