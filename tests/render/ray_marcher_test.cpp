#include "render/ray_marcher.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "core/vec3.hpp"
#include "data/ray_sampler.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::render {
namespace {

using test::GpuTest;

// A cell's index in cascade 0 of a grid of res^3 (scene coordinates q in [0, 1]^3), and how close q lies
// to a cell face (in cells).
uint32_t cell_of(const Vec3& q, uint32_t res, double* face = nullptr) {
  uint32_t idx = 0, mul = 1;
  double nearest = 1;
  for (int a = 0; a < 3; ++a) {
    const double c = q[a] * res;
    const auto i = uint32_t(std::clamp(std::floor(c), 0.0, double(res - 1)));
    nearest = std::min({nearest, c - std::floor(c), std::ceil(c) - c});
    idx += i * mul;
    mul *= res;
  }
  if (face) *face = nearest;
  return idx;
}

// Rays from outside the unit box through a grid whose occupied cells are those inside a ball: every
// sample is on its ray (x = field coordinates of o + t d), in an occupied cell, on the ray's step lattice
// t0 + (u + k) dt with the jitter u of (seed, step, ray), and no lattice point in an occupied cell is missed.
TEST_F(GpuTest, MarchingVisitsExactlyTheOccupiedLatticePoints) {
  const uint32_t res = 16, n = 200;
  OccupancyConfig oc;
  oc.resolution = res;
  MarchConfig mc;
  mc.steps = 128;
  OccupancyGrid grid(ctx(), oc, 1, 1.0f, mc.min_step(), 1024);
  std::vector<uint32_t> bits(res * res * res / 32, 0u);
  std::vector<bool> occupied(res * res * res, false);
  for (uint32_t z = 0; z < res; ++z)
    for (uint32_t y = 0; y < res; ++y)
      for (uint32_t x = 0; x < res; ++x) {
        const Vec3 c{(x + 0.5) / res - 0.5, (y + 0.5) / res - 0.55, (z + 0.5) / res - 0.45};
        const uint32_t i = x + res * (y + res * z);
        occupied[i] = length(c) < 0.3;
        if (occupied[i]) bits[i / 32] |= 1u << (i % 32);
      }
  grid.upload(std::vector<float>(res * res * res, 0.0f), bits);

  Pcg32 rng(6);
  nn::BatchBuffer rays(ctx(), data::RayRows::kCount, n, "rays");
  std::vector<float> r(size_t(data::RayRows::kCount) * rays.capacity, 0.0f);
  std::vector<Vec3> origins, dirs;
  for (uint32_t i = 0; i < n; ++i) {
    Vec3 o{rng.uniform(-0.5, 1.5), rng.uniform(-0.5, 1.5), rng.uniform(1.2, 2.0)};
    if (i % 5 == 0) o = {0.5, 0.45, 0.55};  // some rays start inside the box
    Vec3 target{rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)};
    Vec3 d = target - o;
    if (i % 5 == 0) d = {rng.normal(), rng.normal(), rng.normal()};
    d = d / length(d);
    origins.push_back(o);
    dirs.push_back(d);
    for (int a = 0; a < 3; ++a) {
      r[size_t(a) * rays.capacity + i] = float(o[a]);
      r[size_t(3 + a) * rays.capacity + i] = float(d[a]);
    }
  }
  rays.buffer.upload(std::span<const float>(r));
  RayMarcher marcher(ctx(), mc, 1.0f, 1, n, 1u << 16);
  const uint32_t seed = 3, step = 7;
  gpu::Stream stream(ctx());
  marcher.march(stream.begin(), rays.view(), n, grid, true, seed, step);
  stream.submit();
  stream.wait();
  const auto info = marcher.ray_info().download_all<uint32_t>();
  const auto samples = marcher.samples().buffer->download_all<float>();
  const uint32_t cap = marcher.capacity(), stride = marcher.ray_stride();
  const double dt = mc.min_step();
  uint64_t total = 0, lattice_points = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t first = info[i], count = info[stride + i];
    ASSERT_EQ(count & 0x80000000u, 0u) << "no ray should be dropped";
    total += count;
    const data::Ray ray{origins[i], dirs[i]};
    const auto [t0, t1] = data::ray_box(ray, {0, 0, 0}, {1, 1, 1});
    const double start = std::max(t0, 0.0);
    const uint32_t h = hash_u32(i ^ hash_u32(step ^ hash_u32(seed ^ 0x68e31da4u)));
    const double u = double(h >> 8) / 16777216.0;
    std::vector<double> ts;
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t s = first + k;
      const double t = samples[size_t(SampleRows::kT) * cap + s];
      ts.push_back(t);
      ASSERT_NEAR(samples[size_t(SampleRows::kDt) * cap + s], dt, 1e-7);
      const Vec3 q = ray.origin + ray.direction * t;
      for (int a = 0; a < 3; ++a) {
        ASSERT_NEAR(samples[size_t(SampleRows::kX + a) * cap + s], (q[a] - 0.5) * 2, 2e-5) << "ray " << i;
        ASSERT_NEAR(samples[size_t(SampleRows::kDirection + a) * cap + s], ray.direction[a], 1e-6);
      }
      const double lattice = (t - start) / dt - u;
      ASSERT_NEAR(lattice, std::round(lattice), 2e-3) << "ray " << i << " sample " << k << " is off the step lattice";
      double face = 0;
      const uint32_t cell = cell_of(q, res, &face);
      if (face > 1e-3) {
        EXPECT_TRUE(occupied[cell]) << "ray " << i << ": a sample in an empty cell";
      }
    }
    // Every lattice point in an occupied cell (away from faces) is a sample.
    for (double t = start + u * dt; t < t1; t += dt) {
      double face = 0;
      const Vec3 q = ray.origin + ray.direction * t;
      if (!occupied[cell_of(q, res, &face)] || face < 1e-3) continue;
      ++lattice_points;
      const bool found = std::any_of(ts.begin(), ts.end(), [&](double s) { return std::abs(s - t) < 1e-4; });
      ASSERT_TRUE(found) << "ray " << i << ": occupied lattice point t = " << t << " was skipped";
    }
  }
  EXPECT_GT(lattice_points, 1000u);
  EXPECT_EQ(marcher.samples_written(), total);
}

}  // namespace
}  // namespace nf::render
