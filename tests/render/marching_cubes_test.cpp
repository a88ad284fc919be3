#include "render/marching_cubes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <algorithm>
#include <functional>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/mesh.hpp"
#include "support/gpu_test.hpp"

namespace nf::render {
namespace {

using test::GpuTest;

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

// Every case of the table on its own: one cube's corners set inside (-1) or outside (+1) by the case,
// inside a 4^3 grid whose other points are outside, so the inside corners are enclosed. Each case must give
// a closed surface enclosing a positive volume (triangles face outward), on the CPU and on the GPU.
std::vector<float> one_case(int mask) {
  std::vector<float> v(64, 1.0f);
  for (int c = 0; c < 8; ++c)
    if (mask >> c & 1) v[(1 + (c & 1)) + 4 * ((1 + (c >> 1 & 1)) + 4 * (1 + (c >> 2 & 1)))] = -1.0f;
  return v;
}

TEST(MarchingCubes, EveryCaseIsClosedAndFacesOutward) {
  for (int mask = 1; mask < 256; ++mask) {
    const auto m = extract_isosurface(one_case(mask), GridSpec{4});
    ASSERT_FALSE(m.triangles.empty()) << mask;
    EXPECT_EQ(open_edges(m), 0u) << "case " << mask;
    EXPECT_GT(enclosed_volume(m), 0.0) << "case " << mask;
  }
}

TEST_F(GpuTest, GpuMarchingCubesMatchesCpuOnEveryCase) {
  GpuIsosurface iso(ctx(), 1024);
  gpu::Stream stream(ctx(), 1);
  for (int mask = 1; mask < 256; ++mask) {
    const auto values = one_case(mask);
    const auto gpu_mesh = iso.extract(stream, values, GridSpec{4});
    const auto cpu = extract_isosurface(values, GridSpec{4});
    ASSERT_EQ(gpu_mesh.triangles.size(), cpu.triangles.size()) << mask;
    EXPECT_EQ(open_edges(gpu_mesh), 0u) << mask;
    EXPECT_NEAR(enclosed_volume(gpu_mesh), enclosed_volume(cpu), 1e-9) << mask;
  }
}

// Random signs (with values of random size) inside a grid whose border is outside: every cube configuration
// meets its neighbours, ambiguous faces included, so any crack between cubes shows as an open edge.
std::vector<float> random_signs(uint32_t n, uint64_t seed) {
  Pcg32 rng(seed);
  std::vector<float> v(size_t(n) * n * n);
  for (uint32_t k = 0; k < n; ++k)
    for (uint32_t j = 0; j < n; ++j)
      for (uint32_t i = 0; i < n; ++i) {
        const bool border = i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1;
        const float magnitude = 0.05f + float(rng.uniform());
        v[i + size_t(n) * (j + size_t(n) * k)] = border || rng.uniform() < 0.5f ? magnitude : -magnitude;
      }
  return v;
}

TEST(MarchingCubes, RandomSignGridsAreClosed) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto m = extract_isosurface(random_signs(12, seed), GridSpec{12});
    ASSERT_GT(m.triangles.size(), 100u);
    EXPECT_EQ(open_edges(m), 0u) << "seed " << seed;
    EXPECT_GT(enclosed_volume(m), 0.0) << "seed " << seed;
  }
}

TEST_F(GpuTest, GpuMarchingCubesIsClosedOnRandomSignGrids) {
  GpuIsosurface iso(ctx(), 1 << 16);
  gpu::Stream stream(ctx(), 1);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const auto values = random_signs(12, seed);
    const auto gpu_mesh = iso.extract(stream, values, GridSpec{12});
    const auto cpu = extract_isosurface(values, GridSpec{12});
    ASSERT_EQ(gpu_mesh.triangles.size(), cpu.triangles.size()) << seed;
    EXPECT_EQ(open_edges(gpu_mesh), 0u) << seed;
    EXPECT_NEAR(enclosed_volume(gpu_mesh), enclosed_volume(cpu), 1e-6 * std::abs(enclosed_volume(cpu))) << seed;
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

// A triangle as its corner positions, rotated to start at the smallest (orientation kept), for comparing
// meshes whose vertex and triangle orders differ.
std::vector<std::array<double, 9>> canonical(const IsoMesh& m) {
  std::vector<std::array<double, 9>> out;
  for (const auto& t : m.triangles) {
    std::array<std::array<double, 3>, 3> p;
    for (int q = 0; q < 3; ++q) p[q] = {m.vertices[t[q]].x, m.vertices[t[q]].y, m.vertices[t[q]].z};
    const int first = int(std::min_element(p.begin(), p.end()) - p.begin());
    std::array<double, 9> c;
    for (int q = 0; q < 3; ++q)
      for (int a = 0; a < 3; ++a) c[3 * q + a] = p[(first + q) % 3][a];
    out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The GPU case analysis finds exactly the CPU reference's triangles (same orientation), also when the grid
// goes up in several slabs and a slab overflows the triangle buffer and is redone thinner.
void check_gpu(gpu::Context& ctx, const std::function<double(const Vec3&)>& f, uint32_t res, uint32_t max_triangles,
               uint64_t slab_bytes) {
  const GridSpec g{res};
  const auto values = sample(g, f);
  const auto cpu = extract_isosurface(values, g);
  GpuIsosurface iso(ctx, max_triangles, slab_bytes);
  gpu::Stream stream(ctx, 1);
  const auto gpu_mesh = iso.extract(stream, values, g);
  EXPECT_EQ(gpu_mesh.vertices.size(), cpu.vertices.size());
  ASSERT_EQ(gpu_mesh.triangles.size(), cpu.triangles.size());
  EXPECT_EQ(open_edges(gpu_mesh), 0u);
  EXPECT_TRUE(canonical(gpu_mesh) == canonical(cpu));
}

TEST_F(GpuTest, GpuMarchingCubesMatchesCpuOnASphere) { check_gpu(ctx(), sphere, 96, 1u << 20, 64ull << 20); }
TEST_F(GpuTest, GpuMarchingCubesMatchesCpuOnATorusInSlabs) {
  check_gpu(ctx(), torus, 40, 3000, 40 * 40 * 4 * 6);  // 5 cube layers a slab, overflowing slabs halve
}

}  // namespace
}  // namespace nf::render
