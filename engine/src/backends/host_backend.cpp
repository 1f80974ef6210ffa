#include "backends/host_backend.h"

#include "backends/host_updates.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace strata::internal {

namespace {
void checkSameSize(const Tensor &a, const Tensor &b, const char *what)
{
    if (a.numel() != b.numel())
        throw std::logic_error(std::string(what) + ": " + toString(a.shape()) + " vs " +
                               toString(b.shape()));
}
} // namespace

void HostBackend::copyFromHost(const Tensor &host, Tensor &deviceTensor)
{
    checkSameSize(host, deviceTensor, "copyFromHost");
    if (host.data() != deviceTensor.data())
        std::memcpy(deviceTensor.data(), host.data(), sizeof(float) * host.numel());
}

void HostBackend::copyToHost(const Tensor &deviceTensor, Tensor &host)
{
    if (!host.defined() || host.numel() != deviceTensor.numel())
        host = Tensor(deviceTensor.shape());
    if (host.data() != deviceTensor.data())
        std::memcpy(host.data(), deviceTensor.data(), sizeof(float) * deviceTensor.numel());
}

void HostBackend::accumulate(Tensor &dst, const Tensor &src)
{
    checkSameSize(src, dst, "accumulate");
    float *d = dst.data();
    const float *s = src.data();
    for (int64_t i = 0, n = dst.numel(); i < n; ++i)
        d[i] += s[i];
}

void HostBackend::copy(const Tensor &src, Tensor &dst)
{
    checkSameSize(src, dst, "copy");
    if (src.data() != dst.data())
        std::memcpy(dst.data(), src.data(), sizeof(float) * src.numel());
}

std::unique_ptr<LossKernel> HostBackend::createLoss(const LossSetup &setup)
{
    return makeHostLoss(setup);
}

void HostBackend::sgdUpdate(Tensor &w, const Tensor &g, Tensor &velocity, const SgdStep &s)
{
    hostSgdUpdate(w.data(), g.data(), velocity.data(), w.numel(), s);
}

void HostBackend::adamUpdate(Tensor &w, const Tensor &g, Tensor &m, Tensor &v, const AdamStep &s)
{
    hostAdamUpdate(w.data(), g.data(), m.data(), v.data(), w.numel(), s);
}

void HostBackend::rmspropUpdate(Tensor &w, const Tensor &g, Tensor &square, Tensor &momentum,
                                const RmspropStep &s)
{
    hostRmspropUpdate(w.data(), g.data(), square.data(), momentum.data(), w.numel(), s);
}

bool HostBackend::allFinite(const Tensor &t)
{
    return hostAllFinite(t.data(), t.numel());
}

} // namespace strata::internal
