#include "render/marching_cubes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "core/error.hpp"
#include "data/mesh.hpp"

namespace nf::render {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> sample(const GridSpec& g, const std::function<double(const Vec3&)>& f) {
  const uint32_t n = g.resolution;
  std::vector<float> v(size_t(n) * n * n);
  for (uint32_t k = 0; k < n; ++k)
    for (uint32_t j = 0; j < n; ++j)
      for (uint32_t i = 0; i < n; ++i) v[i + size_t(n) * (j + size_t(n) * k)] = float(f(g.point(i, j, k)));
  return v;
}

// Off-centre so that no grid point lies exactly on the surface.
const Vec3 kCentre{0.031, -0.017, 0.013};

double sphere(const Vec3& p) { return length(p - kCentre) - 0.6; }
double torus(const Vec3& p) {
  const Vec3 q = p - kCentre;
  const double ring = std::sqrt(q.x * q.x + q.y * q.y) - 0.5;
  return std::sqrt(ring * ring + q.z * q.z) - 0.2;
}

// Tolerances (measured at these resolutions, with margin): volume within 1%, area within 3% of analytic;
// the linear interpolation's chords make the volume slightly small and the facets the area slightly large.
TEST(MarchingCubes, SphereIsClosedWithAnalyticVolumeAndArea) {
  const GridSpec g{64};
  const auto m = extract_isosurface(sample(g, sphere), g);
  ASSERT_GT(m.triangles.size(), 1000u);
  EXPECT_EQ(open_edges(m), 0u);
  const double r = 0.6;
  EXPECT_NEAR(enclosed_volume(m), 4.0 / 3.0 * kPi * r * r * r, 0.01 * 4.0 / 3.0 * kPi * r * r * r);
  EXPECT_NEAR(surface_area(m), 4 * kPi * r * r, 0.03 * 4 * kPi * r * r);
  // Vertices on the sphere, normals radial and outward.
  for (size_t i = 0; i < m.vertices.size(); ++i) {
    const Vec3 d = m.vertices[i] - kCentre;
    ASSERT_NEAR(length(d), r, 0.01) << i;
    ASSERT_GT(dot(m.normals[i], d / length(d)), 0.99) << i;
  }
}

TEST(MarchingCubes, TorusIsClosedWithAnalyticVolumeAndArea) {
  const GridSpec g{96};
  const auto m = extract_isosurface(sample(g, torus), g);
  EXPECT_EQ(open_edges(m), 0u);
  const double volume = 2 * kPi * kPi * 0.5 * 0.2 * 0.2, area = 4 * kPi * kPi * 0.5 * 0.2;
  EXPECT_NEAR(enclosed_volume(m), volume, 0.01 * volume);
  EXPECT_NEAR(surface_area(m), area, 0.03 * area);
}

// Triangles face the positive side: a field positive inside gives a mesh with negative volume.
TEST(MarchingCubes, OrientationFollowsTheSign) {
  const GridSpec g{32};
  const auto m = extract_isosurface(sample(g, [](const Vec3& p) { return -sphere(p); }), g);
  EXPECT_LT(enclosed_volume(m), 0);
  EXPECT_THROW(extract_isosurface(std::vector<float>(10), g), Error);
}

TEST(MarchingCubes, WritesObjAndPlyThatReadBack) {
  const GridSpec g{24};
  const auto m = extract_isosurface(sample(g, sphere), g);
  const auto dir = std::filesystem::temp_directory_path() / "nf_marching_cubes_test";
  std::filesystem::create_directories(dir);
  for (const char* name : {"s.obj", "s.ply"}) {
    const std::string path = (dir / name).string();
    write_iso_mesh(path, m);
    const auto back = data::read_mesh_file(path);
    ASSERT_EQ(back.vertices.size(), m.vertices.size()) << name;
    ASSERT_EQ(back.triangles.size(), m.triangles.size()) << name;
    for (size_t i = 0; i < m.vertices.size(); i += 17) EXPECT_NEAR(length(back.vertices[i] - m.vertices[i]), 0, 1e-6);
    EXPECT_EQ(back.triangles[5], m.triangles[5]) << name;
  }
  EXPECT_THROW(write_iso_mesh((dir / "s.stl").string(), m), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nf::render
