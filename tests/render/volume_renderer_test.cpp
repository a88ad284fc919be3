#include "render/volume_renderer.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "data/ray_sampler.hpp"
#include "gpu/stream.hpp"
#include "render/ray_marcher.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::render {
namespace {

using test::GpuTest;

RaySamplesRef random_ray(Pcg32& rng, size_t count, double max_sigma) {
  RaySamplesRef s;
  double t = rng.uniform(0.1, 1);
  for (size_t j = 0; j < count; ++j) {
    s.color.push_back({rng.uniform(), rng.uniform(), rng.uniform()});
    s.sigma.push_back(rng.uniform(0, max_sigma));
    s.dt.push_back(rng.uniform(0.001, 0.05));
    s.t.push_back(t);
    t += s.dt.back();
  }
  return s;
}

// The reference's gradients against central differences of its own loss (double precision), for L2 and
// Huber, with rays that terminate early (dense) and rays that do not (sparse).
TEST(VolumeRenderReference, GradientsMatchFiniteDifferences) {
  Pcg32 rng(3);
  for (const RayLossConfig loss : {RayLossConfig{RayLoss::L2, 0.1f}, RayLossConfig{RayLoss::Huber, 0.05f}}) {
    for (double max_sigma : {5.0, 400.0}) {
      const auto s = random_ray(rng, 24, max_sigma);
      const std::array<double, 3> bg{rng.uniform(), rng.uniform(), rng.uniform()}, target{rng.uniform(), rng.uniform(), rng.uniform()};
      const auto r = volume_render_reference(s, bg, target, loss, 1.0);
      const double h = 1e-6;
      for (size_t j = 0; j < r.used; ++j) {
        auto plus = s, minus = s;
        plus.sigma[j] += h;
        minus.sigma[j] -= h;
        // The loss the gradient is of: 3 x the reference's (it reports the mean over channels).
        const double fd = 3 * (volume_render_reference(plus, bg, target, loss, 1.0).loss -
                               volume_render_reference(minus, bg, target, loss, 1.0).loss) / (2 * h);
        EXPECT_NEAR(r.d_sigma[j], fd, 1e-6 + 1e-5 * std::abs(fd)) << "sigma " << j << ", max sigma " << max_sigma;
        for (int c = 0; c < 3; ++c) {
          auto cp = s, cm = s;
          cp.color[j][size_t(c)] += h;
          cm.color[j][size_t(c)] -= h;
          const double fdc = 3 * (volume_render_reference(cp, bg, target, loss, 1.0).loss -
                                  volume_render_reference(cm, bg, target, loss, 1.0).loss) / (2 * h);
          EXPECT_NEAR(r.d_color[j][size_t(c)], fdc, 1e-6 + 1e-5 * std::abs(fdc));
        }
      }
      if (max_sigma > 100) {
        EXPECT_LT(r.used, 24u) << "dense rays should terminate early";
      }
    }
  }
}

// The GPU kernel against the reference: rays of 0 to 40 samples packed in a shuffled order with gaps, one
// dropped ray (no loss, no gradient), densities from sparse to opaque; poisoned outputs.
void check_gpu(gpu::Context& ctx, const RayLossConfig& loss) {
  Pcg32 rng(11);
  const uint32_t n = 37, stride = 40, capacity = 1024;
  std::vector<RaySamplesRef> refs;
  std::vector<std::array<double, 3>> bgs, targets;
  std::vector<uint32_t> info(2 * stride, 0);
  std::vector<float> samples(size_t(SampleRows::kCount) * capacity, 0.0f), outs(4 * capacity, 0.5f);
  std::vector<float> rays(size_t(data::RayRows::kCount) * stride, 0.0f);
  uint32_t next = 3;
  for (uint32_t i = 0; i < n; ++i) {
    const size_t count = i == 5 ? 0 : rng.next_u32() % 41;
    refs.push_back(random_ray(rng, count, i % 3 == 0 ? 600.0 : 20.0));
    bgs.push_back({rng.uniform(), rng.uniform(), rng.uniform()});
    targets.push_back({rng.uniform(), rng.uniform(), rng.uniform()});
    info[i] = next;
    info[stride + i] = uint32_t(count) | (i == 7 ? 0x80000000u : 0u);
    for (size_t j = 0; j < count; ++j) {
      const uint32_t s = next + uint32_t(j);
      for (int c = 0; c < 3; ++c) outs[size_t(c) * capacity + s] = float(refs[i].color[j][size_t(c)]);
      outs[3 * capacity + s] = float(refs[i].sigma[j]);
      samples[size_t(SampleRows::kDt) * capacity + s] = float(refs[i].dt[j]);
      samples[size_t(SampleRows::kT) * capacity + s] = float(refs[i].t[j]);
    }
    next += uint32_t(count) + rng.next_u32() % 3;
    for (int c = 0; c < 3; ++c) {
      rays[size_t(data::RayRows::kTarget + c) * stride + i] = float(targets[i][size_t(c)]);
      rays[size_t(data::RayRows::kBackground + c) * stride + i] = float(bgs[i][size_t(c)]);
    }
  }
  // The reference takes the values as the GPU sees them (floats).
  for (auto& r : refs) {
    for (auto& c : r.color) for (auto& v : c) v = double(float(v));
    for (auto& v : r.sigma) v = double(float(v));
    for (auto& v : r.dt) v = double(float(v));
    for (auto& v : r.t) v = double(float(v));
  }
  gpu::Buffer info_b(ctx, info.size() * 4, "info");
  info_b.upload(std::span<const uint32_t>(info));
  nn::BatchBuffer samples_b(ctx, SampleRows::kCount, capacity, "samples"), outs_b(ctx, 4, capacity, "outs"),
      d_outs_b(ctx, 4, capacity, "d_outs"), rays_b(ctx, data::RayRows::kCount, stride, "rays");
  samples_b.buffer.upload(std::span<const float>(samples));
  outs_b.buffer.upload(std::span<const float>(outs));
  rays_b.buffer.upload(std::span<const float>(rays));
  d_outs_b.buffer.upload(std::span<const float>(std::vector<float>(4 * capacity, 0.0f)));
  VolumeRenderer vr(ctx, loss, stride);
  vr.results().buffer->upload(std::span<const float>(test::poison(ResultRows::kCount * stride)));
  gpu::Stream stream(ctx);
  vr.train(stream.begin(), n, info_b, samples_b.view(), outs_b.view(), rays_b.view(), d_outs_b.view());
  stream.submit();
  stream.wait();
  const auto res = vr.results().buffer->download_all<float>();
  const auto d = d_outs_b.buffer.download_all<float>();
  const double scale = 1.0 / (3.0 * n);
  double loss_sum = 0, worst = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const bool dropped = i == 7;
    const auto r = volume_render_reference(refs[i], bgs[i], targets[i], dropped ? RayLossConfig{RayLoss::None} : loss, scale);
    if (!dropped) loss_sum += r.loss;
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(res[size_t(c) * stride + i], r.color[size_t(c)], 2e-5) << "ray " << i;
    EXPECT_NEAR(res[ResultRows::kDepth * stride + i], r.depth, 2e-5 * (1 + r.depth));
    EXPECT_NEAR(res[ResultRows::kOpacity * stride + i], r.opacity, 2e-5);
    EXPECT_EQ(res[ResultRows::kUsed * stride + i], float(r.used)) << "ray " << i;
    for (size_t j = 0; j < refs[i].sigma.size(); ++j) {
      const uint32_t s = info[i] + uint32_t(j);
      const double gs = j < r.used && !dropped ? r.d_sigma[j] : 0.0;
      worst = std::max(worst, std::abs(d[3 * capacity + s] - gs) / (std::abs(gs) + 1e-4 * scale));
      for (int c = 0; c < 3; ++c) {
        const double gc = j < r.used && !dropped ? r.d_color[j][size_t(c)] : 0.0;
        worst = std::max(worst, std::abs(d[size_t(c) * capacity + s] - gc) / (std::abs(gc) + 1e-4 * scale));
      }
    }
  }
  EXPECT_LT(worst, 2e-3) << "worst relative gradient error";
  const auto readout = vr.readout(n);
  EXPECT_NEAR(readout.loss * n, loss_sum, 1e-5 * (1 + loss_sum));
}

TEST_F(GpuTest, VolumeRenderingL2MatchesReference) { check_gpu(ctx(), {RayLoss::L2, 0.1f}); }
TEST_F(GpuTest, VolumeRenderingHuberMatchesReference) { check_gpu(ctx(), {RayLoss::Huber, 0.1f}); }

}  // namespace
}  // namespace nf::render
