#include "pipeline/sdf_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "../data/mesh_fixtures.hpp"
#include "core/error.hpp"

namespace nf::pipeline {
namespace {

// Concentric spheres of radii r and R: every point of one is |R - r| from the other (up to the
// icosphere's facets), so Chamfer-L1 = |R - r| / (2 R sqrt 3) relative to the bigger one's box diagonal.
TEST(Chamfer, ConcentricSpheresAreTheirRadiusGapApart) {
  const auto a = test::make_icosphere(0.5, 4), b = test::make_icosphere(0.6, 4);
  const double expected = 0.1 / (2 * 0.6 * std::sqrt(3.0));
  EXPECT_NEAR(chamfer_l1(a, b, 20000, 3), expected, 0.03 * expected);
  EXPECT_LT(chamfer_l1(b, b, 20000, 3), 1e-6);  // float samples
  EXPECT_THROW(chamfer_l1(a, data::Mesh{}, 10, 1), Error);
}

// Surface points lie on the mesh and cover it evenly: a cube's six faces get a sixth each.
TEST(Chamfer, SurfacePointsAreAreaWeighted) {
  const auto cube = test::make_cube(1.0);
  const auto p = surface_points(cube, 60000, 4);
  int faces[6] = {};
  for (size_t i = 0; i < p.size() / 3; ++i) {
    int on = -1;
    for (int a = 0; a < 3; ++a)
      for (int s = 0; s < 2; ++s)
        if (std::abs(p[3 * i + a] - (s ? 1.0 : -1.0)) < 1e-6) on = 2 * a + s;
    ASSERT_GE(on, 0) << "point " << i << " is off the cube";
    ++faces[on];
  }
  for (int f : faces) EXPECT_NEAR(f, 10000, 400);
}

}  // namespace
}  // namespace nf::pipeline
