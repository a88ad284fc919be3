#include "nn/encodings/dif_grid.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "module_harness.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

std::vector<double> random_x(size_t n, uint32_t dims, Pcg32& rng) {
  std::vector<double> x(n * dims);
  for (auto& v : x) v = float(rng.uniform(-1.0, 1.0));
  // The edges of the domain. (Points within an ulp of an interior tile boundary are ill-posed: the sawtooth
  // jumps there, and float32 rounding may land on either side.)
  for (uint32_t a = 0; a < dims; ++a) {
    x[0 * dims + a] = -1.0;
    x[1 * dims + a] = 1.0;
  }
  return x;
}

std::vector<double> random_vec(size_t n, Pcg32& rng, double lo = -1.0, double hi = 1.0) {
  std::vector<double> v(n);
  for (auto& x : v) x = float(rng.uniform(lo, hi));
  return v;
}

void check_against_reference(gpu::Context& ctx, uint32_t dims, const DifGridConfig& cfg, uint64_t seed) {
  Pcg32 rng(seed);
  DifGrid grid(ctx, dims, cfg);
  test::ModuleHarness h(ctx, grid);
  const auto params = random_vec(cfg.parameters(dims), rng);
  h.set_parameters({params});
  const size_t n = 3000;
  const auto x = random_x(n, dims, rng);
  const auto f = h.forward(x);
  NF_EXPECT_REL_ERROR(f, dif_grid_reference_forward(cfg, dims, params, x), 1e-5);

  const auto d_f = random_vec(n * cfg.features(), rng);
  h.backward(x, d_f, false);
  const auto d_grid = dif_grid_reference_backward(cfg, dims, params, x, d_f);
  NF_EXPECT_REL_ERROR(h.gradients()[0], d_grid, 1e-5);
  // Input gradients, alone (no parameter gradients) and with the grid's. Measured relative error over
  // the non-outlier samples ~1e-6; outliers (a float32 cell index flipping at a boundary) are rare.
  const auto d_x = dif_grid_reference_input_grad(cfg, dims, params, x, d_f);
  const auto alone = test::compare_input_gradients(h.backward_input(x, d_f), d_x, dims);
  EXPECT_LT(alone.rel_error, 1e-4);
  EXPECT_LE(alone.outliers, n / 500);
  EXPECT_EQ(h.max_abs_gradient(), 0.0);
  const auto both = test::compare_input_gradients(h.backward(x, d_f, true), d_x, dims);
  EXPECT_LT(both.rel_error, 1e-4);
  EXPECT_LE(both.outliers, n / 500);
  NF_EXPECT_REL_ERROR(h.gradients()[0], d_grid, 1e-5);
  // The tangent along x_dot and its grid gradient (cell flips as above: a looser bound).
  const auto x_dot = random_vec(n * dims, rng);
  NF_EXPECT_REL_ERROR(h.jvp(x, x_dot), dif_grid_reference_jvp(cfg, dims, params, x, x_dot), 1e-3);
  EXPECT_TRUE(h.jvp_backward(x, x_dot, d_f, false).empty());
  NF_EXPECT_REL_ERROR(h.gradients()[0], dif_grid_reference_jvp_backward(cfg, dims, params, x, x_dot, d_f), 1e-3);
}

TEST_F(GpuTest, DifGrid2DMatchesReference) {
  check_against_reference(ctx(), 2, DifGridConfig{{3, 8, 17}, {4, 2, 3}, 1.0}, 1);
}

TEST_F(GpuTest, DifGridPublishedImageLevelsMatchReference) {
  check_against_reference(ctx(), 2, DifGridConfig{}, 2);
}

TEST_F(GpuTest, DifGrid3DMatchesReference) {
  check_against_reference(ctx(), 3, DifGridConfig{{4, 9}, {2, 3}, 1.0}, 3);
}

TEST(DifGridPortableAtomics, BackwardMatchesReference) {
  gpu::Context& ctx = test::portable_atomics_context();
  ASSERT_FALSE(ctx.features().float_atomic_add);
  check_against_reference(ctx, 2, DifGridConfig{{5, 11}, {2, 4}, 1.0}, 4);
}

// Values computed with PyTorch 1.13 from the official code's mapping:
//   s = 2 / reso; u = ((x + 1) % s) / (s / 2) - 1 (clamped);
//   torch.nn.functional.grid_sample(grid (1,1,reso,reso), u, mode='bilinear', padding_mode='border',
//                                   align_corners=False)
// for grid[0, 0, row, col] = row * reso + col, reso = 4. u[..., 0] indexes columns (our axis 0).
TEST(DifGridReference, MatchesTorchGridSample) {
  DifGridConfig cfg{{4}, {1}, 1.0};
  std::vector<double> grid(16);
  for (int i = 0; i < 16; ++i) grid[i] = i;
  const std::vector<double> x = {-1.0, -1.0, 0.3, -0.7, 0.9, 0.45, 1.0, 1.0, -0.2, 0.61};
  const std::vector<double> expected = {0.0, 9.5, 14.7, 0.0, 3.42};
  const auto f = dif_grid_reference_forward(cfg, 2, grid, x);
  ASSERT_EQ(f.size(), expected.size());
  for (size_t i = 0; i < f.size(); ++i) EXPECT_NEAR(f[i], expected[i], 1e-4) << "sample " << i;
}

TEST(DifGridReference, GradientMatchesFiniteDifferences) {
  const DifGridConfig cfg{{3, 5}, {2, 1}, 1.0};
  Pcg32 rng(9);
  const auto grid = random_vec(cfg.parameters(2), rng);
  const auto x = random_x(50, 2, rng);
  const auto d_f = random_vec(50 * cfg.features(), rng);
  const auto analytic = dif_grid_reference_backward(cfg, 2, grid, x, d_f);
  auto objective = [&](const std::vector<double>& g) {
    const auto f = dif_grid_reference_forward(cfg, 2, g, x);
    double s = 0;
    for (size_t i = 0; i < f.size(); ++i) s += f[i] * d_f[i];
    return s;
  };
  for (size_t p = 0; p < grid.size(); ++p) {
    auto plus = grid, minus = grid;
    plus[p] += 1e-5;
    minus[p] -= 1e-5;
    EXPECT_NEAR((objective(plus) - objective(minus)) / 2e-5, analytic[p], 1e-7) << "parameter " << p;
  }
}

TEST(DifGridReference, InputGradientMatchesFiniteDifferences) {
  for (uint32_t dims : {2u, 3u}) {
    const DifGridConfig cfg{{3, 5, 8}, {2, 1, 2}, 1.0};
    Pcg32 rng(20 + dims);
    const auto grid = random_vec(cfg.parameters(dims), rng);
    std::vector<double> x(dims * 40);
    for (auto& v : x) v = rng.uniform(-1.0, 1.0);
    const auto d_f = random_vec(40 * cfg.features(), rng);
    const auto forward = [&](std::span<const double> p) { return dif_grid_reference_forward(cfg, dims, grid, p); };
    const size_t checked = test::expect_input_gradient_matches_fd(
        forward, dims, x, d_f, dif_grid_reference_input_grad(cfg, dims, grid, x, d_f), 1e-7, 1e-6);
    EXPECT_GE(checked, 40u * dims * 9 / 10) << "most samples lie away from cell and tile boundaries";
  }
}

// The tangent references are the adjoints of the input gradient and of the grid gradient (see the hash
// grid's test); the input gradient is checked against finite differences above.
TEST(DifGridReference, TangentIsTheAdjointOfTheInputGradient) {
  const DifGridConfig cfg{{3, 5, 8}, {2, 1, 2}, 1.0};
  Pcg32 rng(29);
  const auto grid = random_vec(cfg.parameters(3), rng);
  const auto x = random_vec(3 * 30, rng), x_dot = random_vec(3 * 30, rng), d_f = random_vec(30 * cfg.features(), rng);
  const auto f_dot = dif_grid_reference_jvp(cfg, 3, grid, x, x_dot);
  const auto d_x = dif_grid_reference_input_grad(cfg, 3, grid, x, d_f);
  const auto d_grid = dif_grid_reference_jvp_backward(cfg, 3, grid, x, x_dot, d_f);
  double a = 0, b = 0, c = 0;
  for (size_t i = 0; i < f_dot.size(); ++i) a += d_f[i] * f_dot[i];
  for (size_t i = 0; i < d_x.size(); ++i) b += d_x[i] * x_dot[i];
  for (size_t i = 0; i < grid.size(); ++i) c += grid[i] * d_grid[i];
  EXPECT_NEAR(a, b, 1e-9 * std::abs(a));
  EXPECT_NEAR(a, c, 1e-9 * std::abs(a));
}

}  // namespace
}  // namespace nf::nn
