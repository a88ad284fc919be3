#include "data/sdf_samples.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "mesh_fixtures.hpp"
#include "support/check.hpp"

namespace nf::data {
namespace {

const MeshSdf& sphere() {
  static const MeshSdf sdf(test::make_icosphere(0.6, 3));
  return sdf;
}

TEST(SdfSamples, CountsFollowTheWeights) {
  SdfSampleOptions o;
  o.count = 1003;
  o.surface = 1, o.near_fine = 2, o.near_coarse = 3, o.uniform = 4;
  const SdfSamples s = make_sdf_samples(sphere(), o);
  EXPECT_EQ(s.counts, (std::array<uint64_t, 4>{100, 200, 300, 403}));
  EXPECT_EQ(s.size(), 1003u);
  EXPECT_EQ(s.points.size(), 3 * 1003u);
  EXPECT_EQ(s.first(SdfSampleKind::NearCoarse), 300u);
  o.uniform = 0;  // the remainder goes to the last kind with a weight
  EXPECT_EQ(make_sdf_samples(sphere(), o).counts, (std::array<uint64_t, 4>{167, 334, 502, 0}));
}

TEST(SdfSamples, KindsLieWhereTheyShould) {
  SdfSampleOptions o;
  o.count = 8000;
  o.sigma_fine = 0.01, o.sigma_coarse = 0.1;
  const SdfSamples s = make_sdf_samples(sphere(), o);
  const auto point = [&](uint64_t i) {
    return Vec3{s.points[3 * i], s.points[3 * i + 1], s.points[3 * i + 2]};
  };
  for (uint64_t i = 0; i < s.size(); ++i)
    for (int k = 0; k < 3; ++k) ASSERT_LE(std::abs(s.points[3 * i + k]), 1.0f) << i;
  // Surface: sdf 0, on the mesh (to float rounding).
  for (uint64_t i = 0; i < s.counts[0]; ++i) {
    ASSERT_EQ(s.sdf[i], 0.0f);
    ASSERT_LT(sphere().distance(point(i)), 1e-6);
  }
  // Near: the mean |sdf| of isotropic noise projected on the normal is sigma * sqrt(2 / pi).
  for (const auto kind : {SdfSampleKind::NearFine, SdfSampleKind::NearCoarse}) {
    const double sigma = kind == SdfSampleKind::NearFine ? o.sigma_fine : o.sigma_coarse;
    double sum = 0.0;
    const uint64_t first = s.first(kind), n = s.counts[uint32_t(kind)];
    for (uint64_t i = first; i < first + n; ++i) {
      sum += std::abs(s.sdf[i]);
      ASSERT_EQ(s.sdf[i], float(sphere().signed_distance(point(i)))) << i;
    }
    EXPECT_NEAR(sum / n, sigma * std::sqrt(2.0 / 3.141592653589793), 0.1 * sigma) << "sigma " << sigma;
  }
  // Uniform: inside fraction equals the sphere's volume fraction of the box, 4/3 pi 0.6^3 / 8 = 0.113.
  uint64_t inside = 0;
  const uint64_t first = s.first(SdfSampleKind::Uniform);
  for (uint64_t i = first; i < s.size(); ++i) {
    inside += s.sdf[i] < 0;
    ASSERT_EQ(s.sdf[i], float(sphere().signed_distance(point(i)))) << i;
  }
  EXPECT_NEAR(double(inside) / s.counts[3], 0.113, 0.025);
}

TEST(SdfSamples, DeterministicForASeedOnAnyThreadCount) {
  SdfSampleOptions o;
  o.count = 3000;
  o.seed = 9;
  o.threads = 1;
  const SdfSamples a = make_sdf_samples(sphere(), o);
  o.threads = 2;
  const SdfSamples b = make_sdf_samples(sphere(), o);
  EXPECT_EQ(a.points, b.points);
  EXPECT_EQ(a.sdf, b.sdf);
  o.seed = 10;
  const SdfSamples c = make_sdf_samples(sphere(), o);
  EXPECT_NE(a.points, c.points);
}

TEST(SdfSamples, RejectsInvalidOptions) {
  SdfSampleOptions o;
  o.count = 10;
  o.surface = o.near_fine = o.near_coarse = o.uniform = 0;
  EXPECT_THROW(make_sdf_samples(sphere(), o), Error);
  o.uniform = -1;
  EXPECT_THROW(make_sdf_samples(sphere(), o), Error);
  o = {};
  o.count = 0;
  EXPECT_THROW(make_sdf_samples(sphere(), o), Error);
  o = {};
  o.sigma_fine = 0;
  EXPECT_THROW(make_sdf_samples(sphere(), o), Error);
}

}  // namespace
}  // namespace nf::data
