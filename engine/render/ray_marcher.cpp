#include "render/ray_marcher.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::render {
namespace {

constexpr uint32_t kGroupSize = 64;

struct MarchPush {
  float box_lo[4];
  float box_hi[4];
  uint32_t n, ray_stride, sample_stride, capacity;
  uint32_t res, max_mip, max_samples, jitter;
  float min_step, max_step, cone;
  uint32_t seed, step;
};

}  // namespace

MarchConfig MarchConfig::from_config(ConfigReader& c) {
  MarchConfig m;
  m.steps = c.get<uint32_t>("steps", m.steps);
  if (c.has("cone_angle") && c.value()["cone_angle"].is_string()) {
    if (c.required<std::string>("cone_angle") != "auto") fail(c.where(), ": cone_angle must be \"auto\" or a number");
  } else {
    m.cone_angle = c.get<float>("cone_angle", m.cone_angle);
    if (c.has("cone_angle") && !(m.cone_angle >= 0)) fail(c.where(), ": cone_angle must be >= 0");
  }
  m.max_samples_per_ray = c.get<uint32_t>("max_samples_per_ray", m.max_samples_per_ray);
  m.near = c.get<float>("near", m.near);
  if (m.steps < 16 || m.steps > 1u << 16) fail(c.where(), ": steps must be in [16, 65536]");
  if (m.max_samples_per_ray < 1) fail(c.where(), ": max_samples_per_ray must be >= 1");
  if (!(m.near >= 0)) fail(c.where(), ": near must be >= 0");
  c.finish();
  return m;
}

json MarchConfig::config() const {
  json j = {{"steps", steps}, {"max_samples_per_ray", max_samples_per_ray}, {"near", near}};
  if (cone_angle >= 0) j["cone_angle"] = cone_angle;
  else j["cone_angle"] = "auto";
  return j;
}

float MarchConfig::min_step() const { return float(std::sqrt(3.0) / steps); }

float MarchConfig::max_step(uint32_t cascades) const {
  return float(std::sqrt(3.0) * std::exp2(double(cascades) - 1) / 128.0);
}

RayMarcher::RayMarcher(gpu::Context& ctx, const MarchConfig& config, float aabb_scale, uint32_t cascades,
                       uint32_t max_rays, uint32_t capacity)
    : config_(config), aabb_scale_(aabb_scale), cascades_(cascades), ray_stride_((max_rays + 3) / 4 * 4) {
  samples_ = nn::BatchBuffer(ctx, SampleRows::kCount, capacity, "march samples");
  // Samples no ray wrote still reach the field (its batch is the capacity): keep them finite.
  samples_.buffer.upload(std::span<const float>(std::vector<float>(uint64_t(SampleRows::kCount) * samples_.capacity, 0.0f)));
  info_ = gpu::Buffer(ctx, uint64_t(ray_stride_) * 2 * 4, "march ray info");
  counter_ = gpu::Buffer(ctx, 4, "march sample counter");
  ray_of_ = gpu::Buffer(ctx, uint64_t(samples_.capacity) * 4, "march sample rays");
  const std::vector<gpu::BindingKind> bindings(6, gpu::BindingKind::Storage);
  count_ = gpu::Program(ctx, {"radiance/march", bindings, sizeof(MarchPush), kGroupSize, {0}});
  write_ = gpu::Program(ctx, {"radiance/march", bindings, sizeof(MarchPush), kGroupSize, {1}});
}

void RayMarcher::march(gpu::CommandList& cmd, const nn::BatchView& rays, uint32_t n, OccupancyGrid& grid, bool jitter,
                       uint32_t seed, uint32_t step, uint32_t max_samples_per_ray) {
  NF_ASSERT(n <= ray_stride_, "march of ", n, " rays exceeds the room for ", ray_stride_);
  NF_ASSERT(rays.dims >= 6, "rays need origin and direction rows");
  if (n == 0) return;
  const float half = aabb_scale_ / 2;
  MarchPush p{{0.5f - half, 0.5f - half, 0.5f - half, aabb_scale_},
              {0.5f + half, 0.5f + half, 0.5f + half, config_.near},
              n,
              rays.stride,
              samples_.capacity,
              samples_.capacity,
              grid.config().resolution,
              cascades_ - 1,
              max_samples_per_ray ? std::min(max_samples_per_ray, config_.max_samples_per_ray) : config_.max_samples_per_ray,
              jitter ? 1u : 0u,
              config_.min_step(),
              config_.max_step(cascades_),
              config_.cone(aabb_scale_),
              seed,
              step};
  NF_ASSERT(rays.stride == ray_stride_, "ray batch stride ", rays.stride, " differs from the marcher's ", ray_stride_);
  cmd.fill(counter_, 0);
  cmd.fill(ray_of_, ~0u);
  const auto groups = gpu::Groups::linear(n, kGroupSize);
  cmd.dispatch(count_, groups,
               {gpu::Bind::in(*rays.buffer), gpu::Bind::in(grid.bits()), gpu::Bind::inout(counter_),
                gpu::Bind::inout(info_), gpu::Bind::out(samples_.buffer), gpu::Bind::out(ray_of_)},
               p);
  cmd.dispatch(write_, groups,
               {gpu::Bind::in(*rays.buffer), gpu::Bind::in(grid.bits()), gpu::Bind::inout(counter_),
                gpu::Bind::inout(info_), gpu::Bind::out(samples_.buffer), gpu::Bind::out(ray_of_)},
               p);
}

uint32_t RayMarcher::samples_written() const {
  uint32_t c = 0;
  counter_.download(&c, 4);
  return std::min(c, samples_.capacity);
}

uint32_t RayMarcher::dropped_rays(uint32_t n) const {
  const auto info = info_.download_all<uint32_t>();
  uint32_t d = 0;
  for (uint32_t i = 0; i < n; ++i) d += (info[ray_stride_ + i] & 0x80000000u) ? 1 : 0;
  return d;
}

}  // namespace nf::render
