#include "data/triangle_bvh.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "core/rng.hpp"
#include "mesh_fixtures.hpp"
#include "support/check.hpp"

namespace nf::data {
namespace {

Vec3 random_point(Pcg32& rng, double lo, double hi) {
  return {rng.uniform(lo, hi), rng.uniform(lo, hi), rng.uniform(lo, hi)};
}

double segment_distance(const Vec3& p, const Vec3& a, const Vec3& b) {
  const Vec3 ab = b - a;
  const double l = length_squared(ab);
  const double t = l > 0.0 ? std::clamp(dot(p - a, ab) / l, 0.0, 1.0) : 0.0;
  return length(p - (a + ab * t));
}

// Independent reference: the plane projection when it falls inside the triangle, else the nearest edge.
double reference_distance(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c) {
  const Vec3 n = cross(b - a, c - a);
  const double nn = length_squared(n);
  const double longest = std::max({length_squared(b - a), length_squared(c - b), length_squared(a - c)});
  if (nn > 1e-20 * longest * longest) {  // otherwise the plane is rounding noise: a segment (or a point)
    const Vec3 q = p - n * (dot(p - a, n) / nn);
    const double u = dot(cross(c - b, q - b), n), v = dot(cross(a - c, q - c), n),
                 w = dot(cross(b - a, q - a), n);
    if (u >= 0 && v >= 0 && w >= 0) return length(p - q);
  }
  return std::min({segment_distance(p, a, b), segment_distance(p, b, c), segment_distance(p, c, a)});
}

TEST(TriangleBvh, ClosestPointOnTriangleMatchesReference) {
  Pcg32 rng(11);
  for (int i = 0; i < 20000; ++i) {
    const Vec3 a = random_point(rng, -1, 1), b = random_point(rng, -1, 1);
    Vec3 c = random_point(rng, -1, 1);
    if (i % 10 == 0) c = a + (b - a) * rng.uniform();  // degenerate: collinear corners
    if (i % 10 == 1) c = b;                            // degenerate: repeated corner
    const Vec3 p = random_point(rng, -2, 2);
    const Vec3 q = closest_point_on_triangle(p, a, b, c);
    ASSERT_NEAR(length(p - q), reference_distance(p, a, b, c), 1e-12) << "case " << i;
    // q lies on the triangle: its own distance to the triangle is zero.
    ASSERT_LT(reference_distance(q, a, b, c), 1e-12) << "case " << i;
  }
}

void expect_matches_brute_force(const Mesh& mesh, const std::vector<Vec3>& points) {
  const TriangleBvh bvh(mesh);
  for (size_t i = 0; i < points.size(); ++i) {
    const Vec3& p = points[i];
    double best = std::numeric_limits<double>::infinity();
    for (const auto& t : mesh.triangles) {
      const Vec3& a = mesh.vertices[t[0]];
      best = std::min(best,
                      length(p - closest_point_on_triangle(p, a, mesh.vertices[t[1]], mesh.vertices[t[2]])));
    }
    const ClosestPoint c = bvh.closest(p);
    ASSERT_EQ(c.distance, best) << "point " << i;
    ASSERT_NEAR(length(c.point - p), c.distance, 1e-15);
    const auto& t = mesh.triangles[c.triangle];
    ASSERT_LT(length(c.point - closest_point_on_triangle(p, mesh.vertices[t[0]], mesh.vertices[t[1]],
                                                         mesh.vertices[t[2]])),
              1e-15)
        << "the reported triangle holds the closest point";
  }
}

TEST(TriangleBvh, ClosestMatchesBruteForceOnATriangleSoup) {
  Pcg32 rng(3);
  Mesh soup;
  for (uint32_t t = 0; t < 300; ++t) {
    const Vec3 centre = random_point(rng, -0.8, 0.8);
    for (int k = 0; k < 3; ++k) soup.vertices.push_back(centre + random_point(rng, -0.2, 0.2));
    soup.triangles.push_back({3 * t, 3 * t + 1, 3 * t + 2});
  }
  std::vector<Vec3> points;
  for (int i = 0; i < 2000; ++i) points.push_back(random_point(rng, -1.5, 1.5));
  expect_matches_brute_force(soup, points);
  expect_matches_brute_force(test::make_cube(0.5), points);
}

TEST(TriangleBvh, ClosestMatchesBruteForceOnSpot) {
  const Mesh spot = load_mesh(test::asset("meshes/spot.obj")).mesh;
  Pcg32 rng(4);
  std::vector<Vec3> points;
  for (int i = 0; i < 300; ++i) points.push_back(random_point(rng, -1, 1));
  for (int i = 0; i < 300; ++i) {  // near the surface, where pruning matters most
    const Vec3& v = spot.vertices[rng.next_u32() % spot.vertices.size()];
    points.push_back(v + random_point(rng, -0.02, 0.02));
  }
  expect_matches_brute_force(spot, points);
}

TEST(TriangleBvh, TreeCoversEveryTriangleOnce) {
  const Mesh sphere = test::make_icosphere(0.7, 3);
  const TriangleBvh bvh(sphere);
  std::vector<int> seen(sphere.triangles.size(), 0);
  for (const BvhNode& node : bvh.nodes()) {
    if (!node.leaf()) continue;
    EXPECT_LE(node.count, TriangleBvh::kLeafSize);
    for (uint32_t s = node.first; s < node.first + node.count; ++s) {
      ++seen[bvh.order()[s]];
      for (int k = 0; k < 3; ++k) {
        const Vec3& v = bvh.corners()[3 * s + k];
        EXPECT_EQ(v, sphere.vertices[sphere.triangles[bvh.order()[s]][k]]);
        for (int d = 0; d < 3; ++d) EXPECT_TRUE(v[d] >= node.lo[d] && v[d] <= node.hi[d]);
      }
    }
  }
  for (size_t t = 0; t < seen.size(); ++t) EXPECT_EQ(seen[t], 1) << "triangle " << t;
}

}  // namespace
}  // namespace nf::data
