#include "render/volume_renderer.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::render {
namespace {

constexpr uint32_t kGroupSize = 64;

struct Push {
  uint32_t n, ray_stride, sample_stride, pad;
  float min_transmittance, loss_scale, delta, pad2;
};

}  // namespace

RayLossConfig RayLossConfig::from_config(ConfigReader& c) {
  RayLossConfig l;
  const auto type = c.required<std::string>("type");
  if (type == "l2") l.kind = RayLoss::L2;
  else if (type == "huber") l.kind = RayLoss::Huber;
  else fail(c.where(), ": unknown loss type '", type, "' (known: l2, huber)");
  if (l.kind == RayLoss::Huber) l.delta = c.get<float>("delta", l.delta);
  if (!(l.delta > 0)) fail(c.where(), ": delta must be > 0");
  c.finish();
  return l;
}

json RayLossConfig::config() const {
  if (kind == RayLoss::Huber) return {{"type", "huber"}, {"delta", delta}};
  return {{"type", "l2"}};
}

VolumeRenderer::VolumeRenderer(gpu::Context& ctx, const RayLossConfig& loss, uint32_t max_rays) : loss_(loss) {
  results_ = nn::BatchBuffer(ctx, ResultRows::kCount, max_rays, "ray results");
  stats_ = nn::BatchBuffer(ctx, 2, max_rays, "ray losses");
  no_gradients_ = gpu::Buffer(ctx, 4, "no gradients");
  const std::vector<gpu::BindingKind> b(7, gpu::BindingKind::Storage);
  render_ = gpu::Program(ctx, {"radiance/composite", b, sizeof(Push), kGroupSize, {0}});
  train_ = gpu::Program(ctx, {"radiance/composite", b, sizeof(Push), kGroupSize, {uint32_t(loss.kind)}});
}

void VolumeRenderer::render(gpu::CommandList& cmd, uint32_t n, gpu::Buffer& ray_info, const nn::BatchView& samples,
                            const nn::BatchView& outs, const nn::BatchView& rays) {
  record(cmd, render_, n, ray_info, samples, outs, rays, no_gradients_, 0);
}

void VolumeRenderer::train(gpu::CommandList& cmd, uint32_t n, gpu::Buffer& ray_info, const nn::BatchView& samples,
                           const nn::BatchView& outs, const nn::BatchView& rays, const nn::BatchView& d_outs) {
  NF_ASSERT(d_outs.dims == 4 && d_outs.stride == outs.stride, "d_outs: 4 rows with the outputs' stride");
  record(cmd, train_, n, ray_info, samples, outs, rays, *d_outs.buffer, float(1.0 / (3.0 * n)));
}

void VolumeRenderer::record(gpu::CommandList& cmd, const gpu::Program& program, uint32_t n, gpu::Buffer& ray_info,
                            const nn::BatchView& samples, const nn::BatchView& outs, const nn::BatchView& rays,
                            gpu::Buffer& d_outs, float loss_scale) {
  NF_ASSERT(n <= results_.capacity && rays.stride == results_.capacity, "ray batch of ", n, " rays, stride ",
            rays.stride, ": the renderer was made for ", results_.capacity);
  NF_ASSERT(outs.dims == 4 && outs.stride == samples.stride, "outs: 4 rows with the samples' stride");
  if (n == 0) return;
  cmd.dispatch(program, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(ray_info), gpu::Bind::in(*samples.buffer), gpu::Bind::in(*outs.buffer),
                gpu::Bind::in(*rays.buffer), gpu::Bind::out(results_.buffer), gpu::Bind::out(d_outs),
                gpu::Bind::out(stats_.buffer)},
               Push{n, rays.stride, samples.stride, 0, kMinTransmittance, loss_scale, loss_.delta, 0});
}

VolumeRenderer::Readout VolumeRenderer::readout(uint32_t n) const {
  const auto s = stats_.buffer.download_all<float>();
  Readout r;
  for (uint32_t i = 0; i < n; ++i) {
    r.loss += s[i];
    r.mse += s[stats_.capacity + i];
  }
  r.rays = n;
  if (n) r.loss /= n, r.mse /= n;
  return r;
}

RayRenderRef volume_render_reference(const RaySamplesRef& s, const std::array<double, 3>& background,
                                     const std::array<double, 3>& target, const RayLossConfig& loss,
                                     double loss_scale, double min_transmittance) {
  RayRenderRef r;
  const size_t count = s.sigma.size();
  double T = 1;
  std::vector<double> w(count, 0.0), T_after(count, 0.0);
  for (size_t j = 0; j < count; ++j) {
    const double alpha = 1 - std::exp(-s.sigma[j] * s.dt[j]);
    w[j] = T * alpha;
    for (int c = 0; c < 3; ++c) r.color[size_t(c)] += w[j] * s.color[j][size_t(c)];
    r.depth += w[j] * s.t[j];
    T *= 1 - alpha;
    T_after[j] = T;
    r.used = uint32_t(j + 1);
    if (T < min_transmittance) break;
  }
  for (int c = 0; c < 3; ++c) r.color[size_t(c)] += T * background[size_t(c)];
  r.opacity = 1 - T;
  r.d_color.assign(count, {0, 0, 0});
  r.d_sigma.assign(count, 0.0);
  if (loss.kind == RayLoss::None) return r;
  std::array<double, 3> g{};
  for (int c = 0; c < 3; ++c) {
    const double d = r.color[size_t(c)] - target[size_t(c)];
    if (loss.kind == RayLoss::L2) {
      r.loss += d * d / 3;
      g[size_t(c)] = 2 * d * loss_scale;
    } else {
      const double a = std::abs(d);
      r.loss += (a <= loss.delta ? 0.5 * d * d : loss.delta * (a - 0.5 * loss.delta)) / 3;
      g[size_t(c)] = std::clamp(d, -double(loss.delta), double(loss.delta)) * loss_scale;
    }
  }
  // dC/dc_j = w_j; dC/dsigma_j = dt_j (T_{j+1} c_j - S_j), S_j = everything behind sample j (background
  // included) = C - sum_{i <= j} w_i c_i. Derived by differentiating C directly; checked by finite
  // differences in tests/render/volume_renderer_test.cpp.
  std::array<double, 3> front{};
  for (size_t j = 0; j < r.used; ++j) {
    double dot = 0;
    for (int c = 0; c < 3; ++c) {
      front[size_t(c)] += w[j] * s.color[j][size_t(c)];
      r.d_color[j][size_t(c)] = w[j] * g[size_t(c)];
      dot += g[size_t(c)] * (T_after[j] * s.color[j][size_t(c)] - (r.color[size_t(c)] - front[size_t(c)]));
    }
    r.d_sigma[j] = s.dt[j] * dot;
  }
  return r;
}

}  // namespace nf::render
