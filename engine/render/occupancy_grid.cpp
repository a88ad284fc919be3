#include "render/occupancy_grid.hpp"

#include <algorithm>
#include <bit>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::render {
namespace {

constexpr uint32_t kGroupSize = 64;
constexpr uint32_t kReduceGroup = 256;

struct SamplesPush {
  uint32_t n, stride, uniform_samples, res;
  uint32_t cascades, seed, step, first;
  float aabb_scale, occupied;
};
struct SplatPush {
  uint32_t n;
  float step;
};
struct DecayPush {
  uint32_t n, cascade0;
  float decay;
};
struct BitsPush {
  uint32_t words, partial_count, cascade0;
  float threshold;
};

}  // namespace

OccupancyConfig OccupancyConfig::from_config(ConfigReader& c) {
  OccupancyConfig o;
  o.resolution = c.get<uint32_t>("resolution", o.resolution);
  o.update_every = c.get<uint32_t>("update_every", o.update_every);
  o.warmup_steps = c.get<uint32_t>("warmup_steps", o.warmup_steps);
  o.decay = c.get<float>("decay", o.decay);
  o.threshold = c.get<float>("threshold", o.threshold);
  if (o.resolution < 8 || o.resolution > 256 || o.resolution % 8)
    fail(c.where(), ": resolution must be a multiple of 8 in [8, 256], not ", o.resolution);

  if (!(o.decay >= 0 && o.decay <= 1)) fail(c.where(), ": decay must be in [0, 1]");
  if (!(o.threshold >= 0)) fail(c.where(), ": threshold must be >= 0");
  c.finish();
  return o;
}

json OccupancyConfig::config() const {
  return {{"resolution", resolution},
          {"update_every", update_every},
          {"warmup_steps", warmup_steps},
          {"decay", decay},
          {"threshold", threshold}};
}

OccupancyGrid::OccupancyGrid(gpu::Context& ctx, const OccupancyConfig& config, uint32_t cascades, float aabb_scale,
                             float min_step, uint32_t max_batch)
    : config_(config), cascades_(cascades), aabb_scale_(aabb_scale), min_step_(min_step), max_batch_(max_batch) {
  NF_ASSERT(cascades >= 1 && cascades <= 8, "1 to 8 cascades");
  const uint64_t n = cells();
  if (n * 4 > ctx.info().max_storage_buffer_range)
    fail("occupancy grid: ", cascades, " cascades of ", config.resolution, "^3 cells exceed this device's buffers");
  density_ = gpu::Buffer(ctx, n * 4, "occupancy density");
  fresh_ = gpu::Buffer(ctx, n * 4, "occupancy update");
  bits_ = gpu::Buffer(ctx, n / 8, "occupancy bits");
  partials_ = gpu::Buffer(ctx, (n + kReduceGroup - 1) / kReduceGroup * 4, "occupancy partial sums");
  cells_ = gpu::Buffer(ctx, uint64_t(max_batch) * 4, "occupancy sample cells");
  points_ = nn::BatchBuffer(ctx, 3, max_batch, "occupancy sample points");
  sigma_ = nn::BatchBuffer(ctx, 1, max_batch, "occupancy sample density");
  const auto S = gpu::BindingKind::Storage;
  samples_ = gpu::Program(ctx, {"radiance/grid_samples", {S, S, S}, sizeof(SamplesPush), kGroupSize});
  splat_ = gpu::Program(ctx, {"radiance/grid_splat", {S, S, S}, sizeof(SplatPush), kGroupSize});
  decay_ = gpu::Program(ctx, {"radiance/grid_decay", {S, S, S}, sizeof(DecayPush), kReduceGroup});
  bits_program_ = gpu::Program(ctx, {"radiance/grid_bits", {S, S, S}, sizeof(BitsPush), kReduceGroup});
  const std::vector<float> zeros(n, 0.0f);
  density_.upload(std::span<const float>(zeros));
  fresh_.upload(std::span<const float>(zeros));
  const std::vector<uint32_t> ones(n / 32, ~0u);
  bits_.upload(std::span<const uint32_t>(ones));
}

bool OccupancyGrid::due(uint32_t step) const {
  if (config_.update_every == 0) return false;
  const uint32_t every = std::clamp<uint32_t>(step / 16, 1, config_.update_every);
  return step % every == 0;
}

void OccupancyGrid::fill(gpu::CommandList& cmd) { cmd.fill(bits_, ~0u); }

void OccupancyGrid::update(gpu::CommandList& cmd, uint32_t seed, uint32_t step, const DensityFn& density) {
  const uint32_t res = config_.resolution;
  const auto all = uint32_t(cells());
  const bool warm = step > config_.warmup_steps;
  const uint32_t total = warm ? all / 2 : all;
  const uint32_t uniform = warm ? all / 4 : all;
  for (uint32_t first = 0; first < total; first += max_batch_) {
    const uint32_t m = std::min(max_batch_, total - first);
    cmd.dispatch(samples_, gpu::Groups::linear(m, kGroupSize),
                 {gpu::Bind::in(density_), gpu::Bind::out(points_.buffer), gpu::Bind::out(cells_)},
                 SamplesPush{m, points_.capacity, uniform, res, cascades_, seed, step, first, aabb_scale_,
                             config_.threshold});
    density(cmd, points_.view(), sigma_.view(), m);
    cmd.dispatch(splat_, gpu::Groups::linear(m, kGroupSize),
                 {gpu::Bind::in(sigma_.buffer), gpu::Bind::in(cells_), gpu::Bind::inout(fresh_)},
                 SplatPush{m, min_step_});
  }
  const uint32_t cascade0 = res * res * res;
  const uint32_t groups = (all + kReduceGroup - 1) / kReduceGroup;
  cmd.dispatch(decay_, gpu::Groups::linear(all, kReduceGroup),
               {gpu::Bind::inout(density_), gpu::Bind::inout(fresh_), gpu::Bind::out(partials_)},
               DecayPush{all, cascade0, config_.decay});
  // Only cascade 0's workgroups carry its sum (cascade0 is a multiple of the workgroup size).
  cmd.dispatch(bits_program_, gpu::Groups::linear(all / 32, kReduceGroup),
               {gpu::Bind::in(density_), gpu::Bind::in(partials_), gpu::Bind::out(bits_)},
               BitsPush{all / 32, std::min(groups, cascade0 / kReduceGroup), cascade0, config_.threshold});
}

double OccupancyGrid::occupancy() const {
  const auto bits = download_bits();
  const uint64_t words = uint64_t(config_.resolution) * config_.resolution * config_.resolution / 32;
  uint64_t set = 0;
  for (uint64_t w = 0; w < words; ++w) set += uint64_t(std::popcount(bits[w]));
  return double(set) / double(words * 32);
}

void OccupancyGrid::upload(std::span<const float> density, std::span<const uint32_t> bits) {
  if (density.size() != cells() || bits.size() != cells() / 32)
    fail("occupancy grid: ", density.size(), " densities and ", bits.size(), " bit words given for ", cells(),
         " cells");
  density_.upload(density);
  bits_.upload(bits);
}

}  // namespace nf::render
