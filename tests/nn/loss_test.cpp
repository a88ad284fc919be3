#include "nn/losses/loss.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

void check(gpu::Context& ctx, LossKind kind, float epsilon = 0.1f) {
  // n not a multiple of 4: the kernel reads rows 4 samples at a time, and the samples beyond n (NaN here)
  // must not reach the sums.
  const uint32_t dims = 3, n = 998, stride = 1024;
  Pcg32 rng(uint64_t(kind) + 1);
  std::vector<float> y = test::random_floats(dims * stride, rng, -1, 2), t = test::random_floats(dims * stride, rng, kind == LossKind::Mape ? -1 : 0, 1);
  y[5] = t[5];  // exact zero residual: sign(0) = 0
  for (uint32_t c = 0; c < dims; ++c)
    for (uint32_t i = n; i < stride; ++i) y[c * stride + i] = t[c * stride + i] = std::nanf("");
  BatchBuffer yb(ctx, dims, stride, "y"), tb(ctx, dims, stride, "t"), db(ctx, dims, stride, "dy");
  yb.buffer.upload(std::span<const float>(y));
  tb.buffer.upload(std::span<const float>(t));
  db.buffer.upload(std::span<const float>(test::poison(dims * stride)));
  Loss loss(ctx, kind, dims, stride, epsilon);
  gpu::Stream stream(ctx, 1);
  loss.evaluate(stream.begin(), yb.view(), tb.view(), db.view(), n);
  stream.submit();
  stream.wait();

  std::vector<double> yd(y.begin(), y.end()), td(t.begin(), t.end()), d_ref(y.size(), 0.0);
  const double ref = loss_reference(kind, yd, td, d_ref, dims, n, stride, epsilon);
  const auto d = db.buffer.download_all<float>();
  std::vector<double> d_live, ref_live;
  for (uint32_t c = 0; c < dims; ++c)
    for (uint32_t i = 0; i < n; ++i) {
      d_live.push_back(d[c * stride + i]);
      ref_live.push_back(d_ref[c * stride + i]);
    }
  NF_EXPECT_REL_ERROR(d_live, ref_live, 1e-6);
  EXPECT_EQ(d[5], 0.0f);
  const auto r = loss.readout(n);
  EXPECT_NEAR(loss.value(r), ref, 1e-5 * ref);
}

TEST_F(GpuTest, L1LossMatchesReference) { check(ctx(), LossKind::L1); }
TEST_F(GpuTest, L2LossMatchesReference) { check(ctx(), LossKind::L2); }
TEST_F(GpuTest, MapeLossMatchesReference) { check(ctx(), LossKind::Mape); }
TEST_F(GpuTest, MapeLossHonoursEpsilon) { check(ctx(), LossKind::Mape, 0.02f); }

TEST_F(GpuTest, MapeLossFromConfig) {
  ConfigReader c(json{{"type", "mape"}, {"epsilon", 0.05}}, "test");
  auto loss = losses().create(c, ctx(), 1, 512);
  EXPECT_EQ(loss->kind(), LossKind::Mape);
  EXPECT_NEAR(loss->config()["epsilon"].get<double>(), 0.05, 1e-7);
  ConfigReader bad(json{{"type", "mape"}, {"epsilon", 0.0}}, "test");
  EXPECT_THROW(losses().create(bad, ctx(), 1, 512), Error);
}

// The reference's gradient against central differences of its own loss, and the loss by hand:
// mean((y - t)^2 / (|t| + eps)).
TEST(LossReference, MapeGradientMatchesFiniteDifferences) {
  Pcg32 rng(7);
  const uint32_t dims = 1, n = 50;
  std::vector<double> y(n), t(n), d(n), scratch(n);
  double by_hand = 0;
  for (uint32_t i = 0; i < n; ++i) {
    y[i] = rng.uniform(-1.0, 1.0);
    t[i] = rng.uniform(-1.0, 1.0);
    by_hand += (y[i] - t[i]) * (y[i] - t[i]) / (std::abs(t[i]) + 0.1);
  }
  EXPECT_NEAR(loss_reference(LossKind::Mape, y, t, d, dims, n, n), by_hand / n, 1e-12);
  for (uint32_t i = 0; i < n; i += 7) {
    const double h = 1e-6, y0 = y[i];
    y[i] = y0 + h;
    const double up = loss_reference(LossKind::Mape, y, t, scratch, dims, n, n);
    y[i] = y0 - h;
    const double down = loss_reference(LossKind::Mape, y, t, scratch, dims, n, n);
    y[i] = y0;
    EXPECT_NEAR(d[i], (up - down) / (2 * h), 1e-7 * (1 + std::abs(d[i])));
  }
}

}  // namespace
}  // namespace nf::nn
