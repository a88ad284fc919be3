#include "nn/losses/loss.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

void check(gpu::Context& ctx, LossKind kind) {
  const uint32_t dims = 3, n = 1000, stride = 1024;
  Pcg32 rng(uint64_t(kind) + 1);
  std::vector<float> y = test::random_floats(dims * stride, rng, -1, 2), t = test::random_floats(dims * stride, rng, 0, 1);
  y[5] = t[5];  // exact zero residual: sign(0) = 0
  BatchBuffer yb(ctx, dims, stride, "y"), tb(ctx, dims, stride, "t"), db(ctx, dims, stride, "dy");
  yb.buffer.upload(std::span<const float>(y));
  tb.buffer.upload(std::span<const float>(t));
  db.buffer.upload(std::span<const float>(test::poison(dims * stride)));
  Loss loss(ctx, kind, dims, stride);
  gpu::Stream stream(ctx, 1);
  loss.evaluate(stream.begin(), yb.view(), tb.view(), db.view(), n);
  stream.submit();
  stream.wait();

  std::vector<double> yd(y.begin(), y.end()), td(t.begin(), t.end()), d_ref(y.size(), 0.0);
  const double ref = loss_reference(kind, yd, td, d_ref, dims, n, stride);
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

}  // namespace
}  // namespace nf::nn
