#pragma once
// Random numbers. Pcg32 drives CPU-side initialisation (reproducible for a seed on every platform);
// hash_u32/sample_index mirror shaders/include/rng.glsl exactly so that CPU references can reproduce the
// GPU's per-step random choices.
#include <cmath>
#include <cstdint>

namespace nf {

// PCG-XSH-RR 32 (O'Neill 2014).
class Pcg32 {
 public:
  explicit Pcg32(uint64_t seed, uint64_t stream = 0x853c49e6748fea9bULL) {
    inc_ = (stream << 1u) | 1u;
    next_u32();
    state_ += seed;
    next_u32();
  }
  uint32_t next_u32() {
    const uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + inc_;
    const uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    const uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((~rot + 1u) & 31u));
  }
  // Uniform in [0, 1).
  double uniform() { return (next_u32() >> 8) * (1.0 / 16777216.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal (Box-Muller).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 0;
};

// Integer hash (PCG output permutation); identical to nf_hash() in shaders/include/rng.glsl.
inline uint32_t hash_u32(uint32_t v) {
  const uint32_t state = v * 747796405u + 2891336453u;
  const uint32_t word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Random index in [0, n) for (seed, step, i); identical to nf_sample_index() in rng.glsl.
inline uint32_t sample_index(uint32_t seed, uint32_t step, uint32_t i, uint32_t n) {
  const uint32_t r = hash_u32(i ^ hash_u32(step ^ hash_u32(seed)));
  return static_cast<uint32_t>((static_cast<uint64_t>(r) * n) >> 32);
}

}  // namespace nf
