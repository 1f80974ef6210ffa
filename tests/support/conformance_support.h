#pragma once
// What the backend conformance checks share: backend_conformance.cpp checks ops, losses,
// optimizer updates and tensor operations; backend_conformance_network.cpp whole training
// steps through Network.

#include "backend_conformance.h"
#include "backends/device_ops.h"
#include "strata/graph.h"
#include "strata/rng.h"
#include "strata/tensor.h"

#include <algorithm>
#include <exception>
#include <sstream>
#include <string>

namespace strata::testing::conformance {

// Layers and a whole training step: float kernels against double-precision references.
inline constexpr double kLayerTolerance = 1e-4;

inline Tensor toDevice(Backend &b, const Tensor &host)
{
    Tensor d = b.allocate(host.shape());
    b.copyFromHost(host, d);
    return d;
}

inline Tensor toHost(Backend &b, const Tensor &device)
{
    Tensor h;
    b.copyToHost(device, h);
    return h.reshaped(device.shape());
}

inline Tensor randomTensor(const Shape &shape, Rng &rng, float lo = -1, float hi = 1)
{
    Tensor t(shape);
    for (int64_t i = 0; i < t.numel(); ++i)
        t.data()[i] = rng.uniformFloat(lo, hi);
    return t;
}

// Accumulates "what: error" entries and remembers the worst error.
struct Comparison
{
    double worst = 0;
    std::ostringstream report;

    void add(const std::string &what, double error)
    {
        report << (report.tellp() > 0 ? ", " : "") << what << " " << error;
        worst = std::max(worst, error);
    }
    std::string verdict(double tolerance) const
    {
        if (worst <= tolerance)
            return {};
        std::ostringstream s;
        s << "error above " << tolerance << ": " << report.str();
        return s.str();
    }
};

inline Node conv(int filters, int kernel, int stride, const char *padding, bool bias = true)
{
    return {"conv",
            "Conv2D",
            "conv",
            {{"filters", filters},
             {"kernel", kernel},
             {"stride", stride},
             {"padding", padding},
             {"bias", bias}}};
}

inline Node pool(const char *type, int size, int stride, const char *padding)
{
    return {"pool", type, "pool", {{"pool", size}, {"stride", stride}, {"padding", padding}}};
}

// Runs a check, turning an exception into its message.
inline std::function<std::string(Backend &)> guarded(std::function<std::string(Backend &)> f)
{
    return [f = std::move(f)](Backend &b) -> std::string {
        try {
            return f(b);
        } catch (const std::exception &e) {
            return std::string("threw: ") + e.what();
        }
    };
}

// The checks that train a whole network for one step (backend_conformance_network.cpp).
std::vector<ConformanceCheck> networkChecks();

} // namespace strata::testing::conformance
