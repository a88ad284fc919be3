// Fourier features, frequency encoding and hash grid against their double-precision references.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "module_harness.hpp"
#include "nn/encodings/fourier.hpp"
#include "nn/encodings/frequency.hpp"
#include "nn/encodings/hashgrid.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

std::vector<double> random_vec(size_t n, Pcg32& rng, double lo, double hi) {
  std::vector<double> v(n);
  for (auto& x : v) x = float(rng.uniform(lo, hi));
  return v;
}

TEST_F(GpuTest, FourierFeaturesMatchReference) {
  // sigma 10 on [-1,1] coordinates: phases of hundreds of radians, where unreduced float sin/cos fail.
  FourierFeatures enc(ctx(), 2, FourierConfig{256, 10.0});
  test::ModuleHarness h(ctx(), enc);
  Pcg32 rng(1);
  std::vector<double> b(512);
  for (auto& v : b) v = float(rng.normal() * 10.0);
  h.set_parameters({b});
  const auto x = random_vec(2 * 1001, rng, -1, 1);
  NF_EXPECT_REL_ERROR(h.forward(x), fourier_reference_forward(2, b, x), 1e-5);
}

TEST_F(GpuTest, FourierInputGradientMatchesReference) {
  FourierFeatures enc(ctx(), 3, FourierConfig{64, 4.0});
  test::ModuleHarness h(ctx(), enc);
  Pcg32 rng(11);
  std::vector<double> b(64 * 3);
  for (auto& v : b) v = float(rng.normal() * 4.0);
  h.set_parameters({b});
  const auto x = random_vec(3 * 1001, rng, -1, 1);
  const auto d_f = random_vec(1001 * 128, rng, -1, 1);
  const auto ref = fourier_reference_input_grad(3, b, x, d_f);
  NF_EXPECT_REL_ERROR(h.backward_input(x, d_f), ref, 1e-4);
  NF_EXPECT_REL_ERROR(h.backward(x, d_f, true), ref, 1e-4);
}

TEST(FourierReference, InputGradientMatchesFiniteDifferences) {
  Pcg32 rng(12);
  std::vector<double> b(16 * 2);
  for (auto& v : b) v = rng.normal() * 3.0;
  const auto x = random_vec(2 * 30, rng, -1, 1);
  const auto d_f = random_vec(30 * 32, rng, -1, 1);
  const auto forward = [&](std::span<const double> p) { return fourier_reference_forward(2, b, p); };
  EXPECT_EQ(test::expect_input_gradient_matches_fd(forward, 2, x, d_f, fourier_reference_input_grad(2, b, x, d_f),
                                                   1e-6, 1e-6),
            60u);
}

TEST_F(GpuTest, FrequencyEncodingInputGradientMatchesReference) {
  for (bool include : {true, false}) {
    const FrequencyConfig cfg{8, include};
    FrequencyEncoding enc(ctx(), 3, cfg);
    test::ModuleHarness h(ctx(), enc);
    Pcg32 rng(13);
    const auto x = random_vec(3 * 777, rng, -1, 1);
    const auto d_f = random_vec(777 * enc.output_dims(), rng, -1, 1);
    const auto ref = frequency_reference_input_grad(3, cfg, x, d_f);
    NF_EXPECT_REL_ERROR(h.backward_input(x, d_f), ref, 1e-4);
    NF_EXPECT_REL_ERROR(h.backward(x, d_f, true), ref, 1e-4);
  }
}

TEST(FrequencyReference, InputGradientMatchesFiniteDifferences) {
  const FrequencyConfig cfg{6, true};
  Pcg32 rng(14);
  const auto x = random_vec(3 * 20, rng, -1, 1);
  const auto d_f = random_vec(20 * 39, rng, -1, 1);
  const auto forward = [&](std::span<const double> p) { return frequency_reference_forward(3, cfg, p); };
  EXPECT_EQ(test::expect_input_gradient_matches_fd(forward, 3, x, d_f, frequency_reference_input_grad(3, cfg, x, d_f),
                                                   1e-6, 1e-6),
            60u);
}

TEST_F(GpuTest, FourierFrequenciesAreFixedAndDrawnWithSigma) {
  FourierFeatures enc(ctx(), 2, FourierConfig{4096 / 2, 3.0});
  const auto blocks = enc.parameter_blocks();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(blocks[0].trainable);
  std::vector<float> v(blocks[0].count);
  std::vector<std::span<float>> spans = {v};
  Pcg32 rng(2);
  enc.initialize(spans, rng);
  double s2 = 0;
  for (float f : v) s2 += double(f) * f;
  EXPECT_NEAR(std::sqrt(s2 / v.size()), 3.0, 0.15);
}

TEST_F(GpuTest, FrequencyEncodingMatchesReference) {
  for (bool include : {true, false}) {
    const FrequencyConfig cfg{10, include};
    FrequencyEncoding enc(ctx(), 3, cfg);
    test::ModuleHarness h(ctx(), enc);
    Pcg32 rng(3);
    const auto x = random_vec(3 * 777, rng, -1, 1);
    NF_EXPECT_REL_ERROR(h.forward(x), frequency_reference_forward(3, cfg, x), 1e-5);
  }
}

TEST(HashGridLevels, MatchTinyCudaNnForItsImageConfig) {
  // tiny-cuda-nn data/config_hash.json: 16 levels, 2 features, 2^15 entries, base 16, scale 1.5.
  const auto levels = hashgrid_levels({16, 2, 15, 16, 1.5}, 2);
  const uint32_t res[] = {16, 24, 36, 54, 81, 122};
  const uint32_t entries[] = {256, 576, 1296, 2920, 6568, 14888};
  for (int l = 0; l < 6; ++l) {
    EXPECT_EQ(levels[l].resolution, res[l]) << l;
    EXPECT_EQ(levels[l].entries, entries[l]) << l;
    EXPECT_FALSE(levels[l].hashed) << l;
  }
  for (int l = 6; l < 16; ++l) {
    EXPECT_TRUE(levels[l].hashed) << l;
    EXPECT_EQ(levels[l].entries, 32768u) << l;
  }
  EXPECT_EQ(levels.back().first + levels.back().entries, 354184u);
}

void check_hashgrid(gpu::Context& ctx, uint32_t dims, const HashGridConfig& cfg, uint64_t seed) {
  HashGrid enc(ctx, dims, cfg);
  test::ModuleHarness h(ctx, enc);
  Pcg32 rng(seed);
  const auto table = random_vec(enc.parameter_blocks()[0].count, rng, -1, 1);
  h.set_parameters({table});
  const auto x = random_vec(dims * 3000, rng, -1, 1);
  NF_EXPECT_REL_ERROR(h.forward(x), hashgrid_reference_forward(cfg, dims, table, x), 1e-5);
  const auto d_f = random_vec(3000 * enc.output_dims(), rng, -1, 1);
  h.backward(x, d_f, false);
  const auto d_table = hashgrid_reference_backward(cfg, dims, table, x, d_f);
  NF_EXPECT_REL_ERROR(h.gradients()[0], d_table, 1e-5);
  // Input gradients: alone (no parameter gradients) and together with the table's.
  const auto d_x = hashgrid_reference_input_grad(cfg, dims, table, x, d_f);
  const auto alone = test::compare_input_gradients(h.backward_input(x, d_f), d_x, dims);
  EXPECT_LT(alone.rel_error, 1e-5);
  EXPECT_LE(alone.outliers, 1u);
  EXPECT_EQ(h.max_abs_gradient(), 0.0);
  const auto both = test::compare_input_gradients(h.backward(x, d_f, true), d_x, dims);
  EXPECT_LT(both.rel_error, 1e-5);
  EXPECT_LE(both.outliers, 1u);
  NF_EXPECT_REL_ERROR(h.gradients()[0], d_table, 1e-5);
  // The tangent along x_dot and its table gradient.
  const auto x_dot = random_vec(dims * 3000, rng, -1, 1);
  NF_EXPECT_REL_ERROR(h.jvp(x, x_dot), hashgrid_reference_jvp(cfg, dims, table, x, x_dot), 1e-4);
  EXPECT_TRUE(h.jvp_backward(x, x_dot, d_f, false).empty());
  NF_EXPECT_REL_ERROR(h.gradients()[0], hashgrid_reference_jvp_backward(cfg, dims, table, x, x_dot, d_f), 1e-4);
}

TEST_F(GpuTest, HashGrid2DDenseAndHashedLevelsMatchReference) {
  // Levels 0-2 dense, 3-5 hashed into 2^9 entries.
  check_hashgrid(ctx(), 2, {6, 2, 9, 4, 2.0}, 4);
}

TEST_F(GpuTest, HashGrid3DMatchesReference) { check_hashgrid(ctx(), 3, {4, 3, 10, 3, 1.7}, 5); }

TEST(HashGridPortableAtomics, BackwardMatchesReference) {
  gpu::Context& ctx = test::portable_atomics_context();
  check_hashgrid(ctx, 2, {5, 2, 8, 4, 1.8}, 6);
}

TEST(HashGridReference, GradientMatchesFiniteDifferences) {
  const HashGridConfig cfg{3, 2, 6, 3, 2.0};
  Pcg32 rng(7);
  const auto levels = hashgrid_levels(cfg, 2);
  const auto table = random_vec((levels.back().first + levels.back().entries) * 2, rng, -1, 1);
  const auto x = random_vec(2 * 20, rng, -1, 1);
  const auto d_f = random_vec(20 * 6, rng, -1, 1);
  const auto g = hashgrid_reference_backward(cfg, 2, table, x, d_f);
  auto objective = [&](const std::vector<double>& t) {
    const auto f = hashgrid_reference_forward(cfg, 2, t, x);
    double s = 0;
    for (size_t i = 0; i < f.size(); ++i) s += f[i] * d_f[i];
    return s;
  };
  for (size_t p = 0; p < table.size(); p += 7) {
    auto up = table, down = table;
    up[p] += 1e-5;
    down[p] -= 1e-5;
    EXPECT_NEAR((objective(up) - objective(down)) / 2e-5, g[p], 1e-7) << p;
  }
}

TEST(HashGridReference, InputGradientMatchesFiniteDifferences) {
  for (uint32_t dims : {2u, 3u}) {
    const HashGridConfig cfg{4, 2, 8, 3, 1.9};  // dense and hashed levels
    Pcg32 rng(15 + dims);
    const auto levels = hashgrid_levels(cfg, dims);
    const auto table = random_vec((levels.back().first + levels.back().entries) * 2, rng, -1, 1);
    const auto x = random_vec(dims * 40, rng, -1, 1);
    const auto d_f = random_vec(40 * 8, rng, -1, 1);
    const auto forward = [&](std::span<const double> p) { return hashgrid_reference_forward(cfg, dims, table, p); };
    const size_t checked = test::expect_input_gradient_matches_fd(
        forward, dims, x, d_f, hashgrid_reference_input_grad(cfg, dims, table, x, d_f), 1e-6, 1e-6);
    EXPECT_GE(checked, 40u * dims * 9 / 10) << "most samples lie away from cell boundaries";
  }
}

// The tangent references are the adjoints of the input gradient (sum d_f . F_dot = sum d_x . x_dot) and of
// the table gradient (sum table . d_table_dot = sum d_f_dot . F_dot); the input gradient itself is checked
// against finite differences above.
TEST(HashGridReference, TangentIsTheAdjointOfTheInputGradient) {
  const HashGridConfig cfg{4, 2, 8, 3, 1.9};
  Pcg32 rng(19);
  const auto levels = hashgrid_levels(cfg, 3);
  const auto table = random_vec((levels.back().first + levels.back().entries) * 2, rng, -1, 1);
  const auto x = random_vec(3 * 30, rng, -1, 1), x_dot = random_vec(3 * 30, rng, -1, 1);
  const auto d_f = random_vec(30 * 8, rng, -1, 1);
  const auto f_dot = hashgrid_reference_jvp(cfg, 3, table, x, x_dot);
  const auto d_x = hashgrid_reference_input_grad(cfg, 3, table, x, d_f);
  const auto d_table = hashgrid_reference_jvp_backward(cfg, 3, table, x, x_dot, d_f);
  double a = 0, b = 0, c = 0;
  for (size_t i = 0; i < f_dot.size(); ++i) a += d_f[i] * f_dot[i];
  for (size_t i = 0; i < d_x.size(); ++i) b += d_x[i] * x_dot[i];
  for (size_t i = 0; i < table.size(); ++i) c += table[i] * d_table[i];
  EXPECT_NEAR(a, b, 1e-9 * std::abs(a));
  EXPECT_NEAR(a, c, 1e-9 * std::abs(a));
}

}  // namespace
}  // namespace nf::nn
