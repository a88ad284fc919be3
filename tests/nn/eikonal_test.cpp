#include "nn/losses/eikonal.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

// g_hat and the sums against the double-precision reference, on both atomic paths.
void check(gpu::Context& ctx) {
  const uint32_t n = 1000, stride = 1024;
  Pcg32 rng(71);
  std::vector<double> g(3 * n);
  for (auto& v : g) v = float(rng.uniform(-1.5, 1.5));
  std::vector<float> gf(3 * stride, 0.0f);
  for (uint32_t i = 0; i < n; ++i)
    for (int a = 0; a < 3; ++a) gf[a * stride + i] = float(g[i * 3 + a]);
  BatchBuffer gb(ctx, 3, stride, "g"), hb(ctx, 3, stride, "g_hat");
  gb.buffer.upload(std::span<const float>(gf));
  hb.buffer.upload(std::span<const float>(test::poison(3 * stride)));
  Eikonal eikonal(ctx, 3);
  gpu::Stream stream(ctx, 1);
  auto& cmd = stream.begin();
  eikonal.reset(cmd);
  eikonal.evaluate(cmd, gb.view(), hb.view(), n, 0.25f);
  stream.submit();
  stream.wait();
  std::vector<double> ref(3 * n);
  const double mean_sq = eikonal_reference(g, 3, 0.25, ref);
  const auto h = hb.buffer.download_all<float>();
  std::vector<double> gpu(3 * n);
  double mean_norm = 0;
  for (uint32_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) gpu[i * 3 + a] = h[a * stride + i];
    mean_norm += std::sqrt(g[3 * i] * g[3 * i] + g[3 * i + 1] * g[3 * i + 1] + g[3 * i + 2] * g[3 * i + 2]) / n;
  }
  NF_EXPECT_REL_ERROR(gpu, ref, 1e-5);
  const auto r = eikonal.readout(n);
  EXPECT_NEAR(r.mean_sq, mean_sq, 1e-4 * mean_sq);
  EXPECT_NEAR(r.mean_norm, mean_norm, 1e-4 * mean_norm);
}

TEST_F(GpuTest, EikonalMatchesReference) { check(ctx()); }

TEST(EikonalPortableAtomics, MatchesReference) {
  gpu::Context& ctx = test::portable_atomics_context();
  check(ctx);
}

TEST(EikonalReference, GHatIsTheTermsGradient) {
  Pcg32 rng(72);
  std::vector<double> g(3 * 5), g_hat(3 * 5);
  for (auto& v : g) v = rng.uniform(-1, 1);
  eikonal_reference(g, 3, 1.0, g_hat);
  for (size_t k = 0; k < g.size(); ++k) {
    std::vector<double> up = g, down = g, scratch(g.size());
    up[k] += 1e-6;
    down[k] -= 1e-6;
    // The reference returns the mean over 5 samples; g_hat is the gradient of the sum (scale 1).
    const double d = 5 * (eikonal_reference(up, 3, 1.0, scratch) - eikonal_reference(down, 3, 1.0, scratch)) / 2e-6;
    EXPECT_NEAR(d, g_hat[k], 1e-6) << k;
  }
}

}  // namespace
}  // namespace nf::nn
