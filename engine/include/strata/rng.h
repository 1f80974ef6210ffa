#pragma once
// A small, fast, portable random number generator (xoshiro256**) whose whole state is four
// integers, so checkpoints can store every stream and a resumed run continues exactly.

#include <array>
#include <cstdint>

namespace strata {

class Rng
{
public:
    explicit Rng(uint64_t seed = 0) { reseed(seed); }
    void reseed(uint64_t seed);

    uint64_t next();
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    float uniformFloat(float lo, float hi)
    {
        return lo + static_cast<float>(uniform()) * (hi - lo);
    }
    // Uniform integer in [0, n).
    uint64_t below(uint64_t n);
    // Standard normal (Box-Muller; uses two draws).
    double normal();

    std::array<uint64_t, 4> state() const { return s_; }
    void setState(const std::array<uint64_t, 4> &state) { s_ = state; }

private:
    std::array<uint64_t, 4> s_{};
};

} // namespace strata
