#include "data/pixel_split.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nf::data {

PixelSplit strided_split(int width, int height, uint32_t k) {
  NF_ASSERT(width > 0 && height > 0 && k >= 1, "strided_split: ", width, "x", height, " image, stride ", k);
  PixelSplit s;
  if (k == 1) return s;
  for (uint32_t y = 0; y < uint32_t(height); ++y)
    for (uint32_t x = 0; x < uint32_t(width); ++x)
      (x % k == 0 && y % k == 0 ? s.train : s.test).push_back(y * uint32_t(width) + x);
  return s;
}

PixelSplit holdout_split(int width, int height, double fraction, uint32_t seed) {
  NF_ASSERT(width > 0 && height > 0 && fraction >= 0 && fraction < 1, "holdout_split: ", width, "x", height,
            " image, fraction ", fraction, " (must be in [0, 1))");
  const uint32_t n = uint32_t(width) * uint32_t(height);
  const auto held = uint32_t(fraction * n);
  PixelSplit s;
  if (held == 0) return s;
  // Fisher-Yates: the first `held` entries of a uniform random permutation are held out.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  Pcg32 rng(seed);
  for (uint32_t i = 0; i < held; ++i) {
    const uint32_t j = i + uint32_t((uint64_t(rng.next_u32()) * (n - i)) >> 32);
    std::swap(order[i], order[j]);
  }
  s.test.assign(order.begin(), order.begin() + held);
  s.train.assign(order.begin() + held, order.end());
  std::sort(s.test.begin(), s.test.end());
  std::sort(s.train.begin(), s.train.end());
  return s;
}

}  // namespace nf::data
