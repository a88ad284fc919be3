#include "nn/networks/rbf.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "module_harness.hpp"
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

RbfReferenceParams random_params(uint32_t k, uint32_t d, uint32_t o, Pcg32& rng) {
  // Centres near the features and precisions around 1/d keep phi away from 0 so every gradient matters.
  const double log_beta = -std::log(double(d));
  return {k, d, o, random_vec(k * d, rng, -0.8, 0.8), random_vec(k * d, rng, log_beta - 1.0, log_beta + 1.0),
          random_vec(o * k, rng, -0.5, 0.5), random_vec(o, rng, -0.5, 0.5)};
}

void check_against_reference(gpu::Context& ctx, uint32_t k, uint32_t d, uint32_t o, uint32_t n, uint64_t seed) {
  Pcg32 rng(seed);
  Rbf rbf(ctx, d, o, RbfConfig{k, 1e-4, 0.0});
  test::ModuleHarness h(ctx, rbf);
  const auto p = random_params(k, d, o, rng);
  h.set_parameters({p.mu, p.rho, p.w, p.b});
  const auto f = random_vec(size_t(n) * d, rng, -1.0, 1.0);
  NF_EXPECT_REL_ERROR(h.forward(f), rbf_reference_forward(p, f), 1e-5);

  const auto d_y = random_vec(size_t(n) * o, rng, -1.0, 1.0);
  const auto d_f = h.backward(f, d_y, true);
  const auto ref = rbf_reference_backward(p, f, d_y);
  const auto g = h.gradients();
  NF_EXPECT_REL_ERROR(d_f, ref.d_f, 1e-4);
  NF_EXPECT_REL_ERROR(g[0], ref.mu, 1e-4);
  NF_EXPECT_REL_ERROR(g[1], ref.rho, 1e-4);
  NF_EXPECT_REL_ERROR(g[2], ref.w, 1e-4);
  NF_EXPECT_REL_ERROR(g[3], ref.b, 1e-4);
  NF_EXPECT_REL_ERROR(h.backward_input(f, d_y), ref.d_f, 1e-4);
  EXPECT_EQ(h.max_abs_gradient(), 0.0);
}

TEST_F(GpuTest, RbfPublishedImageShapeMatchesReference) {
  // 64 neurons over the DiF-grid's 18 features, RGB out; n spans many tiles and a partial one.
  check_against_reference(ctx(), 64, 18, 3, 64 * 40 + 17, 1);
}

TEST_F(GpuTest, RbfOddShapesMatchReference) {
  check_against_reference(ctx(), 7, 5, 1, 1000, 2);
  check_against_reference(ctx(), 32, 12, 49, 333, 3);  // the radiance head's shape
}

// The tangent (the eikonal term's network pass): GPU against the reference, the shape of sdf-rbf's
// smaller test fields (8 neurons, 8 features, 1 output).
TEST_F(GpuTest, RbfTangentMatchesReference) {
  Pcg32 rng(81);
  Rbf rbf(ctx(), 8, 1, RbfConfig{8, 1e-4, 0.0});
  test::ModuleHarness h(ctx(), rbf);
  const auto p = random_params(8, 8, 1, rng);
  h.set_parameters({p.mu, p.rho, p.w, p.b});
  const uint32_t n = 1001;
  const auto f = random_vec(n * 8, rng, -1, 1), f_dot = random_vec(n * 8, rng, -1, 1), c = random_vec(n, rng, -1, 1);
  NF_EXPECT_REL_ERROR(h.jvp(f, f_dot), rbf_reference_jvp(p, f, f_dot), 1e-5);
  const auto d_f = h.jvp_backward(f, f_dot, c, true);
  const auto ref = rbf_reference_jvp_backward(p, f, f_dot, c);
  const auto g = h.gradients();
  NF_EXPECT_REL_ERROR(d_f, ref.d_f, 1e-4);
  NF_EXPECT_REL_ERROR(g[0], ref.mu, 1e-4);
  NF_EXPECT_REL_ERROR(g[1], ref.rho, 1e-4);
  NF_EXPECT_REL_ERROR(g[2], ref.w, 1e-4);
  for (double v : g[3]) EXPECT_EQ(v, 0.0) << "no bias in the tangent";
}

TEST(RbfReference, TangentMatchesFiniteDifferences) {
  Pcg32 rng(82);
  auto p = random_params(4, 3, 2, rng);
  const auto f = random_vec(5 * 3, rng, -1, 1), f_dot = random_vec(5 * 3, rng, -1, 1),
             c = random_vec(5 * 2, rng, -1, 1);
  // The tangent: differences of the forward along f_dot.
  const auto y_dot = rbf_reference_jvp(p, f, f_dot);
  auto along = [&](double e) {
    std::vector<double> v = f;
    for (size_t i = 0; i < v.size(); ++i) v[i] += e * f_dot[i];
    return rbf_reference_forward(p, v);
  };
  const auto up = along(1e-6), down = along(-1e-6);
  for (size_t i = 0; i < y_dot.size(); ++i) EXPECT_NEAR((up[i] - down[i]) / 2e-6, y_dot[i], 1e-7) << i;
  // Its gradient: differences of sum(c * y_dot) in every parameter and feature.
  const auto g = rbf_reference_jvp_backward(p, f, f_dot, c);
  auto objective = [&](const RbfReferenceParams& q, const std::vector<double>& ff) {
    const auto t = rbf_reference_jvp(q, ff, f_dot);
    double s = 0;
    for (size_t i = 0; i < t.size(); ++i) s += t[i] * c[i];
    return s;
  };
  auto check = [&](std::vector<double>& v, const std::vector<double>& analytic, const char* name) {
    for (size_t k = 0; k < v.size(); ++k) {
      const double keep = v[k];
      v[k] = keep + 1e-6;
      const double a = objective(p, f);
      v[k] = keep - 1e-6;
      const double b = objective(p, f);
      v[k] = keep;
      EXPECT_NEAR((a - b) / 2e-6, analytic[k], 1e-7) << name << " " << k;
    }
  };
  check(p.mu, g.mu, "mu");
  check(p.rho, g.rho, "rho");
  check(p.w, g.w, "w");
  for (size_t k = 0; k < f.size(); ++k) {
    auto a = f, b = f;
    a[k] += 1e-6;
    b[k] -= 1e-6;
    EXPECT_NEAR((objective(p, a) - objective(p, b)) / 2e-6, g.d_f[k], 1e-7) << "f " << k;
  }
}

TEST(RbfPortableAtomics, BackwardMatchesReference) {
  gpu::Context& ctx = test::portable_atomics_context();
  check_against_reference(ctx, 16, 6, 3, 2000, 4);
}

TEST(RbfReference, GradientsMatchFiniteDifferences) {
  Pcg32 rng(5);
  auto p = random_params(5, 4, 2, rng);
  const auto f = random_vec(6 * 4, rng, -1, 1);
  const auto d_y = random_vec(6 * 2, rng, -1, 1);
  const auto g = rbf_reference_backward(p, f, d_y);
  auto objective = [&](const RbfReferenceParams& q, const std::vector<double>& ff) {
    const auto y = rbf_reference_forward(q, ff);
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i) s += y[i] * d_y[i];
    return s;
  };
  const double h = 1e-6;
  auto check = [&](std::vector<double>& values, const std::vector<double>& analytic, const char* name) {
    for (size_t i = 0; i < values.size(); ++i) {
      const double keep = values[i];
      values[i] = keep + h;
      const double up = objective(p, f);
      values[i] = keep - h;
      const double down = objective(p, f);
      values[i] = keep;
      EXPECT_NEAR((up - down) / (2 * h), analytic[i], 1e-6 * (1 + std::abs(analytic[i]))) << name << " " << i;
    }
  };
  check(p.mu, g.mu, "mu");
  check(p.rho, g.rho, "rho");
  check(p.w, g.w, "w");
  check(p.b, g.b, "b");
  auto ff = f;
  for (size_t i = 0; i < ff.size(); ++i) {
    auto up = ff, down = ff;
    up[i] += h;
    down[i] -= h;
    EXPECT_NEAR((objective(p, up) - objective(p, down)) / (2 * h), g.d_f[i], 1e-6 * (1 + std::abs(g.d_f[i])));
  }
}

TEST_F(GpuTest, RbfInitialisationFollowsTheOfficialCode) {
  Rbf rbf(ctx(), 18, 3, RbfConfig{});
  const auto blocks = rbf.parameter_blocks();
  std::vector<std::vector<float>> values;
  std::vector<std::span<float>> spans;
  for (const auto& b : blocks) values.emplace_back(b.count);
  for (auto& v : values) spans.emplace_back(v);
  Pcg32 rng(1);
  rbf.initialize(spans, rng);
  for (float v : values[0]) EXPECT_LE(std::abs(v), 1e-4f);
  for (float v : values[1]) EXPECT_EQ(v, 0.0f);
  for (float v : values[2]) EXPECT_LE(std::abs(v), 0.125f);  // 1/sqrt(64)
  double spread = 0;
  for (float v : values[2]) spread += std::abs(v);
  EXPECT_GT(spread / values[2].size(), 0.03);  // uniform on [-1/8, 1/8]: mean |w| = 1/16
}

}  // namespace
}  // namespace nf::nn
