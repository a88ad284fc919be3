#include "analysis/spectrum3d.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/rng.hpp"
#include "support/check.hpp"

namespace nf::analysis {
namespace {

// The separable, truncated DFT against the direct triple sum, on random grids of two sizes.
TEST(Spectrum3d, MatchesTheDirectDft) {
  Pcg32 rng(3);
  for (uint32_t n : {8u, 10u}) {
    const auto v = test::random_floats(size_t(n) * n * n, rng, -1, 1);
    const uint32_t bins = n / 2;
    NF_EXPECT_REL_ERROR(std::span<const double>(spectrum3d(v, n, bins)),
                        std::span<const double>(spectrum3d_reference(v, n, bins)), 1e-12);
  }
}

// A plane wave cos(2 pi (2x + y) / n) puts all its energy in the cell (2, 1, 0): diagonal 3.
TEST(Spectrum3d, APlaneWaveLandsOnItsDiagonal) {
  const uint32_t n = 16;
  std::vector<float> v(size_t(n) * n * n);
  for (uint32_t z = 0; z < n; ++z)
    for (uint32_t y = 0; y < n; ++y)
      for (uint32_t x = 0; x < n; ++x)
        v[(size_t(z) * n + y) * n + x] = float(std::cos(2 * std::numbers::pi * (2.0 * x + y) / n));
  const auto s = spectrum3d(v, n, 8);
  EXPECT_NEAR(s[2], double(n) * n * n / 2, 1e-3);  // |F| = n^3 / 2 at (2, 1, 0) (float inputs)
  for (size_t d = 0; d < s.size(); ++d) {
    if (d == 2) continue;
    EXPECT_LT(s[d], 1e-2) << "bin " << d + 1;
  }
}

}  // namespace
}  // namespace nf::analysis
