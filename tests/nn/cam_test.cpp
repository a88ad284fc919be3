#include "nn/modulations/cam.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "module_harness.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

void check(gpu::Context& ctx, uint32_t dims, CamResolution res, uint32_t layers, uint64_t seed) {
  CamGrids cam(ctx, dims, 2 * layers, CamConfig{res, 10.0});
  test::ModuleHarness h(ctx, cam);
  Pcg32 rng(seed);
  std::vector<double> grids(cam.parameter_blocks()[0].count), x(dims * 1500), d_mod(1500 * 2 * layers);
  for (auto& v : grids) v = float(rng.uniform(-1, 1));
  for (auto& v : x) v = float(rng.uniform(-1.05, 1.05));  // a little outside [-1,1]: border clamp
  for (auto& v : d_mod) v = float(rng.uniform(-1, 1));
  h.set_parameters({grids});
  NF_EXPECT_REL_ERROR(h.forward(x), cam_reference_forward(dims, res, layers, grids, x), 1e-5);
  h.backward(x, d_mod, false);
  NF_EXPECT_REL_ERROR(h.gradients()[0], cam_reference_backward(dims, res, layers, grids, x, d_mod), 1e-5);
  // dL/dx is added to what d_x holds; no parameter gradients.
  std::vector<double> before(x.size());
  for (auto& v : before) v = float(rng.uniform(-1, 1));
  auto d_x = h.backward_input(x, d_mod, before);
  EXPECT_EQ(h.max_abs_gradient(), 0.0);
  for (size_t i = 0; i < d_x.size(); ++i) d_x[i] -= before[i];
  const auto c = test::compare_input_gradients(d_x, cam_reference_input_grad(dims, res, layers, grids, x, d_mod), dims);
  EXPECT_LT(c.rel_error, 1e-4);
  EXPECT_LE(c.outliers, 1u);
}

TEST_F(GpuTest, CamGrids2DMatchReference) { check(ctx(), 2, 32, 3, 1); }
TEST_F(GpuTest, CamGrids3DMatchReference) { check(ctx(), 3, 9, 2, 2); }
// CAM's radiance grids: 10 x 3 over (azimuth, elevation); a 3-D grid with three different sizes.
TEST_F(GpuTest, CamGridsOfDifferentSizesPerAxisMatchReference) {
  check(ctx(), 2, std::array<uint32_t, 3>{10, 3, 1}, 2, 3);
  check(ctx(), 3, std::array<uint32_t, 3>{5, 3, 7}, 1, 4);
}

TEST_F(GpuTest, CamGridsStartAtIdentityWithTenfoldLearningRate) {
  CamGrids cam(ctx(), 2, 6, CamConfig{});
  const auto blocks = cam.parameter_blocks();
  EXPECT_FLOAT_EQ(blocks[0].lr_scale, 10.0f);
  std::vector<float> v(blocks[0].count);
  std::vector<std::span<float>> spans = {v};
  Pcg32 rng(1);
  cam.initialize(spans, rng);
  for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], i % 2 == 0 ? 1.0f : 0.0f);
}

TEST(CamReference, AlignCornersHitsGridVertices) {
  // x = -1 and x = 1 land exactly on the first and last vertices (align_corners = True).
  std::vector<double> grids(4 * 4 * 2, 0.0);
  grids[0] = 5.0;                  // cell (0, 0) gamma
  grids[(15) * 2 + 1] = 7.0;        // cell (3, 3) beta
  const auto out = cam_reference_forward(2, 4, 1, grids, std::vector<double>{-1, -1, 1, 1});
  EXPECT_DOUBLE_EQ(out[0], 5.0);
  EXPECT_DOUBLE_EQ(out[3], 7.0);
}

TEST(CamReference, InputGradientMatchesFiniteDifferences) {
  const uint32_t dims = 3, res = 6, layers = 2;
  Pcg32 rng(31);
  std::vector<double> grids(layers * 216 * 2), x(dims * 30), d_mod(30 * 2 * layers);
  for (auto& v : grids) v = rng.uniform(-1, 1);
  for (auto& v : x) v = rng.uniform(-1.05, 1.05);
  for (auto& v : d_mod) v = rng.uniform(-1, 1);
  const auto forward = [&](std::span<const double> p) { return cam_reference_forward(dims, res, layers, grids, p); };
  EXPECT_GE(test::expect_input_gradient_matches_fd(forward, dims, x, d_mod,
                                                   cam_reference_input_grad(dims, res, layers, grids, x, d_mod), 1e-7,
                                                   1e-6),
            80u);
}

}  // namespace
}  // namespace nf::nn
