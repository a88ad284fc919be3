#include "data/mesh_sdf.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "mesh_fixtures.hpp"
#include "support/check.hpp"

namespace nf::data {
namespace {

Vec3 random_point(Pcg32& rng, double lo, double hi) {
  return {rng.uniform(lo, hi), rng.uniform(lo, hi), rng.uniform(lo, hi)};
}

// Centroid of the enclosed volume (divergence theorem over tetrahedra from the origin).
Vec3 volume_centroid(const Mesh& m) {
  Vec3 sum;
  double volume = 0.0;
  for (const auto& t : m.triangles) {
    const Vec3 &a = m.vertices[t[0]], &b = m.vertices[t[1]], &c = m.vertices[t[2]];
    const double v = dot(a, cross(b, c)) / 6.0;
    sum += (a + b + c) * (v / 4.0);
    volume += v;
  }
  return sum / volume;
}

// Points just inside and just outside the surface, along triangle normals at random surface points, whose
// nearest surface point is that very point (so they are unambiguously on one side). Returns the fraction
// classified correctly; `tested` receives how many qualified.
double offset_sign_accuracy(const MeshSdf& sdf, double offset, int* tested) {
  const Mesh& m = sdf.mesh();
  Pcg32 rng(17);
  int right = 0, total = 0;
  for (int i = 0; i < 600; ++i) {
    const uint32_t t = rng.next_u32() % uint32_t(m.triangles.size());
    const Vec3 &a = m.vertices[m.triangles[t][0]], &b = m.vertices[m.triangles[t][1]],
               &c = m.vertices[m.triangles[t][2]];
    const Vec3 n = area_normal(m, t) / length(area_normal(m, t));
    const Vec3 s = (a + b + c) / 3.0;
    for (const double side : {-1.0, 1.0}) {
      const Vec3 p = s + n * (side * offset);
      const SdfQuery q = sdf.query(p);
      if (std::abs(q.distance - offset) > 1e-9 * offset) continue;
      ++total;
      if ((q.signed_distance() > 0) == (side > 0)) ++right;
    }
  }
  *tested = total;
  return total ? double(right) / total : 0.0;
}

TEST(MeshSdf, CubeDistancesAreExact) {
  const MeshSdf sdf(test::make_cube(0.5));
  Pcg32 rng(1);
  for (int i = 0; i < 2000; ++i) {
    const Vec3 p = random_point(rng, -1, 1);
    const Vec3 q{std::abs(p.x) - 0.5, std::abs(p.y) - 0.5, std::abs(p.z) - 0.5};
    const double expected = length(max(q, Vec3{})) + std::min(std::max({q.x, q.y, q.z}), 0.0);
    ASSERT_NEAR(sdf.signed_distance(p), expected, 1e-12) << p.x << " " << p.y << " " << p.z;
  }
}

TEST(MeshSdf, SphereSignsAndDistances) {
  const double r = 0.8;
  const MeshSdf sdf(test::make_icosphere(r, 4));
  Pcg32 rng(2);
  for (int i = 0; i < 3000; ++i) {
    const Vec3 p = i % 2 ? random_point(rng, -1, 1) : random_point(rng, -0.05, 0.05) + Vec3{r, 0, 0};
    const double expected = length(p) - r;
    const SdfQuery q = sdf.query(p);
    ASSERT_NEAR(q.signed_distance(), expected, 2e-3) << "polyhedral approximation error is below 2e-3";
    if (std::abs(expected) > 2e-3) {
      ASSERT_EQ(q.signed_distance() < 0, expected < 0) << i;
    }
    ASSERT_NEAR(length(q.closest - p), q.distance, 1e-15);
  }
}

TEST(MeshSdf, SpotCentreInsideCornersOutside) {
  const MeshSdf sdf(load_mesh(test::asset("meshes/spot.obj")).mesh);
  const Vec3 centre = volume_centroid(sdf.mesh());
  ASSERT_GT(sdf.distance(centre), 0.1) << "the centroid should be deep inside the body";
  Pcg32 rng(3);
  for (int i = 0; i < 50; ++i) EXPECT_LT(sdf.signed_distance(centre + random_point(rng, -0.05, 0.05)), 0.0);
  for (int i = 0; i < 8; ++i) {
    const Vec3 corner{i & 1 ? 0.99 : -0.99, i & 2 ? 0.99 : -0.99, i & 4 ? 0.99 : -0.99};
    EXPECT_GT(sdf.signed_distance(corner), 0.0) << "corner " << i;
  }
  int tested = 0;
  EXPECT_EQ(offset_sign_accuracy(sdf, 0.005, &tested), 1.0);
  EXPECT_GT(tested, 1000);
}

TEST(MeshSdf, OpenMeshGetsAWarningAndSensibleSigns) {
  test::WarningCapture log;
  const LoadedMesh loaded = load_mesh(test::test_input("meshes/spot_open.obj"));
  EXPECT_TRUE(log.has("boundary edges"));
  const MeshSdf sdf(loaded.mesh);
  // Far outside: the box's shell beyond the mesh's bounds (the mesh fits [-0.9, 0.9]^3).
  Pcg32 rng(4);
  for (int i = 0; i < 300; ++i) {
    Vec3 p = random_point(rng, -1, 1);
    p[int(rng.next_u32() % 3)] = rng.uniform() < 0.5 ? -0.97 : 0.97;
    EXPECT_GT(sdf.signed_distance(p), 0.0) << p.x << " " << p.y << " " << p.z;
    EXPECT_LT(sdf.winding_number(p), 0.2);
  }
  // Deep inside: around the centroid of the (almost closed) volume.
  const Vec3 centre = volume_centroid(sdf.mesh());
  ASSERT_GT(sdf.distance(centre), 0.1);
  for (int i = 0; i < 50; ++i) {
    const Vec3 p = centre + random_point(rng, -0.05, 0.05);
    EXPECT_LT(sdf.signed_distance(p), 0.0);
    EXPECT_GT(sdf.winding_number(p), 0.8);
  }
  // Just off the surface, on either side: right nearly everywhere (not necessarily next to the holes).
  int tested = 0;
  EXPECT_GT(offset_sign_accuracy(sdf, 0.005, &tested), 0.98);
  EXPECT_GT(tested, 1000);
}

TEST(MeshSdf, BatchMatchesSingleQueriesOnAnyThreadCount) {
  const MeshSdf sdf(load_mesh(test::test_input("meshes/torus.obj")).mesh);
  Pcg32 rng(5);
  const size_t n = 4001;
  const std::vector<float> xyz = test::random_floats(3 * n, rng, -1, 1);
  std::vector<float> one = test::poison(n), two = test::poison(n), three = test::poison(n);
  sdf.signed_distances(xyz, one, 1);
  sdf.signed_distances(xyz, two, 2);
  sdf.signed_distances(xyz, three, 3);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(one[i], float(sdf.signed_distance({xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]}))) << i;
    ASSERT_EQ(one[i], two[i]) << i;
    ASSERT_EQ(one[i], three[i]) << i;
  }
}

}  // namespace
}  // namespace nf::data
