// Counter-based random numbers; mirrors engine/core/rng.hpp (hash_u32, sample_index) bit for bit.
#ifndef NF_RNG_GLSL
#define NF_RNG_GLSL

uint nf_hash(uint v) {
  uint state = v * 747796405u + 2891336453u;
  uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform index in [0, n) for sample i of a step.
uint nf_sample_index(uint seed, uint step, uint i, uint n) {
  uint r = nf_hash(i ^ nf_hash(step ^ nf_hash(seed)));
  uint hi, lo;
  umulExtended(r, n, hi, lo);
  return hi;
}

#endif
