#include "core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace nf {
namespace {

TEST(Rng, Pcg32IsDeterministicPerSeed) {
  Pcg32 a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint32_t x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    differs |= x != c.next_u32();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, NormalHasUnitMomentsAndUniformIsInRange) {
  Pcg32 r(7);
  double s = 0, s2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    s += x;
    s2 += x * x;
    const double u = r.uniform(-2.0, 3.0);
    ASSERT_GE(u, -2.0);
    ASSERT_LT(u, 3.0);
  }
  EXPECT_NEAR(s / n, 0.0, 0.01);
  EXPECT_NEAR(s2 / n, 1.0, 0.01);
}

TEST(Rng, SampleIndexCoversRangeUniformly) {
  const uint32_t n = 97;
  std::vector<int> counts(n, 0);
  const int draws = 97 * 2000;
  for (int i = 0; i < draws; ++i) {
    const uint32_t k = sample_index(5, 3, uint32_t(i), n);
    ASSERT_LT(k, n);
    ++counts[k];
  }
  // Chi-square with 96 degrees of freedom: mean 96, sd ~13.9; 160 is ~4.6 sd out.
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 2000.0) * (c - 2000.0) / 2000.0;
  EXPECT_LT(chi2, 160.0);
  // Different steps give different sequences.
  int same = 0;
  for (uint32_t i = 0; i < 1000; ++i) same += sample_index(5, 3, i, 1u << 20) == sample_index(5, 4, i, 1u << 20);
  EXPECT_LT(same, 5);
}

}  // namespace
}  // namespace nf
