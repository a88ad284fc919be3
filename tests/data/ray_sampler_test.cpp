#include "data/ray_sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::data {
namespace {

using test::GpuTest;

// A camera with a rotation from three Euler angles (no axis lines up) and a field of view of at most ~53
// degrees, where the distortion below is invertible (real lenses: the model is fitted inside the image).
Camera random_camera(Pcg32& rng, int w, int h, bool distorted) {
  Camera c;
  c.k.width = w;
  c.k.height = h;
  c.k.fx = rng.uniform(1.0, 1.5) * std::max(w, h);
  c.k.fy = c.k.fx * rng.uniform(0.95, 1.05);
  c.k.cx = w * rng.uniform(0.45, 0.55);
  c.k.cy = h * rng.uniform(0.45, 0.55);
  if (distorted) c.k.distortion = {-0.12, 0.03, -0.004, 0.001, -0.0015};
  const double a = rng.uniform(-3, 3), b = rng.uniform(-1, 1), g = rng.uniform(-3, 3);
  const double ca = std::cos(a), sa = std::sin(a), cb = std::cos(b), sb = std::sin(b), cg = std::cos(g), sg = std::sin(g);
  const double R[9] = {ca * cb, ca * sb * sg - sa * cg, ca * sb * cg + sa * sg,
                       sa * cb, sa * sb * sg + ca * cg, sa * sb * cg - ca * sg,
                       -sb,     cb * sg,                cb * cg};
  for (int r = 0; r < 3; ++r) {
    for (int k = 0; k < 3; ++k) c.c2w[size_t(4 * r + k)] = R[3 * r + k];
    c.c2w[size_t(4 * r + 3)] = rng.uniform(-2, 3);
  }
  return c;
}

std::vector<PosedView> random_views(Pcg32& rng, bool distorted) {
  std::vector<PosedView> views;
  const int sizes[3][2] = {{7, 5}, {16, 9}, {3, 11}};
  for (const auto& s : sizes) {
    PosedView v;
    v.name = "view";
    v.camera = random_camera(rng, s[0], s[1], distorted);
    for (int p = 0; p < s[0] * s[1]; ++p) v.rgba.push_back(rng.next_u32());
    views.push_back(std::move(v));
  }
  return views;
}

float unit(uint32_t h) { return float(h >> 8) * (1.0f / 16777216.0f); }

// Random mode: every ray against the CPU's choice of pixel (core/rng.hpp), camera_ray() in double precision,
// the random background and the composited target, on views of different sizes, with and without distortion.
void check_random_rays(gpu::Context& ctx, bool distorted) {
  Pcg32 rng(distorted ? 5 : 4);
  const auto views = random_views(rng, distorted);
  RaySampler sampler(ctx, views, "test");
  const uint32_t n = 1000, seed = 17, step = 3;
  nn::BatchBuffer rays(ctx, RayRows::kCount, n, "rays");
  rays.buffer.upload(std::span<const float>(test::poison(size_t(RayRows::kCount) * rays.capacity)));
  gpu::Stream stream(ctx);
  sampler.sample(stream.begin(), seed, step, n, Background::parse("random"), rays.view());
  stream.submit();
  stream.wait();
  const auto got = rays.buffer.download_all<float>();
  auto at = [&](uint32_t row, uint32_t i) { return double(got[size_t(row) * rays.capacity + i]); };
  const uint32_t total = uint32_t(sampler.pixels());
  double worst_dir = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t g = sample_index(seed, step, i, total), v = 0;
    while (g >= uint32_t(views[v].camera.k.width * views[v].camera.k.height)) g -= uint32_t(views[v].camera.k.width * views[v].camera.k.height), ++v;
    const Camera& cam = views[v].camera;
    const Ray ray = camera_ray(cam, g % uint32_t(cam.k.width) + 0.5, g / uint32_t(cam.k.width) + 0.5);
    for (int a = 0; a < 3; ++a) {
      ASSERT_NEAR(at(RayRows::kOrigin + a, i), ray.origin[a], 1e-6) << "ray " << i;
      worst_dir = std::max(worst_dir, std::abs(at(RayRows::kDirection + a, i) - ray.direction[a]));
    }
    const uint32_t h = hash_u32(i ^ hash_u32(step ^ hash_u32(seed ^ 0x5bd1e995u)));
    const float bg[3] = {unit(h), unit(hash_u32(h)), unit(hash_u32(h ^ 0x9e3779b9u))};
    const uint32_t px = views[v].rgba[g];
    const double alpha = double(px >> 24) / 255.0;
    for (int c = 0; c < 3; ++c) {
      ASSERT_NEAR(at(RayRows::kBackground + c, i), bg[c], 1e-7);
      const double col = double((px >> (8 * c)) & 255u) / 255.0;
      ASSERT_NEAR(at(RayRows::kTarget + c, i), col * alpha + bg[c] * (1 - alpha), 1e-6) << "ray " << i;
    }
    ASSERT_NEAR(at(RayRows::kAlpha, i), alpha, 1e-7);
  }
  EXPECT_LT(worst_dir, distorted ? 2e-5 : 2e-6);
}

TEST_F(GpuTest, RandomRaysMatchTheCpuCameraModel) { check_random_rays(ctx(), false); }
TEST_F(GpuTest, RandomRaysUndistortLikeTheCpu) { check_random_rays(ctx(), true); }

// View mode: pixels [first, first + n) of one view, row-major, on a fixed background.
TEST_F(GpuTest, ViewRaysWalkTheViewsPixelsInOrder) {
  Pcg32 rng(9);
  const auto views = random_views(rng, true);
  RaySampler sampler(ctx(), views, "test");
  const uint32_t first = 20, n = 100;  // view 1 is 16 x 9
  nn::BatchBuffer rays(ctx(), RayRows::kCount, n, "rays");
  gpu::Stream stream(ctx());
  sampler.view_rays(stream.begin(), 1, first, n, Background::parse("0.25,0.5,1"), rays.view());
  stream.submit();
  stream.wait();
  const auto got = rays.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t p = first + i;
    const Ray ray = camera_ray(views[1].camera, p % 16 + 0.5, p / 16 + 0.5);
    for (int a = 0; a < 3; ++a)
      ASSERT_NEAR(got[size_t(RayRows::kDirection + a) * rays.capacity + i], ray.direction[a], 2e-5) << i;
    EXPECT_EQ(got[size_t(RayRows::kBackground + 2) * rays.capacity + i], 1.0f);
  }
}

}  // namespace
}  // namespace nf::data
