#pragma once
// The occupancy grid of a radiance field (instant-ngp's density grid): per cascade RES^3 cells of the
// scene's optical thickness sigma * min_step, updated from the field's density and kept as a bitfield that
// the ray marcher reads to skip empty space (shaders/include/occupancy.glsl has the layout).
//
// Cascade k covers the cube of side 2^k centred on the scene centre (0.5, 0.5, 0.5); a scene of
// aabb_scale A has log2(A) + 1 cascades. An update (every update_every steps, every step during the first
// 16; all GPU work recorded into the step's command list, nothing read back):
//   1. samples: cells x cascades points during the first warmup_steps steps (uniform cells), then half of
//      that: a quarter uniform, a quarter drawn among cells thought occupied (density > threshold);
//      each a uniform point in its cell;
//   2. the field's density there -> per cell the largest sigma * min_step of the update;
//   3. density = max(density * decay, that);
//   4. bit = density > min(threshold, mean density of cascade 0).
// Config ("occupancy" of a radiance experiment): {"resolution": 128, "update_every": 16, "warmup_steps": 256,
// "decay": 0.95, "threshold": 0.01}; update_every 0 never updates: every cell stays occupied (for comparisons).
#include <functional>

#include "core/config.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::render {

struct OccupancyConfig {
  uint32_t resolution = 128;
  uint32_t update_every = 16;
  uint32_t warmup_steps = 256;
  float decay = 0.95f;
  float threshold = 0.01f;

  static OccupancyConfig from_config(ConfigReader& c);
  json config() const;
};

class OccupancyGrid {
 public:
  // Records the density (1 row) of n <= max_batch points (3 rows of field inputs).
  using DensityFn =
      std::function<void(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& sigma, uint32_t n)>;

  // cascades: log2(aabb_scale) + 1. min_step: the marcher's smallest step (optical thickness = sigma * it).
  // max_batch: the most points one density call takes.
  OccupancyGrid(gpu::Context& ctx, const OccupancyConfig& config, uint32_t cascades, float aabb_scale,
                float min_step, uint32_t max_batch);

  const OccupancyConfig& config() const { return config_; }
  uint32_t cascades() const { return cascades_; }
  uint64_t cells() const { return uint64_t(config_.resolution) * config_.resolution * config_.resolution * cascades_; }
  gpu::Buffer& bits() { return bits_; }
  gpu::Buffer& density() { return density_; }

  // Whether the step numbered `step` (from 1) updates the grid.
  bool due(uint32_t step) const;
  // Records one update for training step `step` (seeds the samples).
  void update(gpu::CommandList& cmd, uint32_t seed, uint32_t step, const DensityFn& density);
  // Marks every cell occupied (before any update: the marcher then samples the whole box).
  void fill(gpu::CommandList& cmd);

  // Host copies (wait for the GPU first): the fraction of cascade 0's cells that are occupied.
  double occupancy() const;
  std::vector<uint32_t> download_bits() const { return bits_.download_all<uint32_t>(); }
  std::vector<float> download_density() const { return density_.download_all<float>(); }
  void upload(std::span<const float> density, std::span<const uint32_t> bits);

 private:
  OccupancyConfig config_;
  uint32_t cascades_;
  float aabb_scale_, min_step_;
  uint32_t max_batch_;
  gpu::Buffer density_, fresh_, bits_, partials_, cells_;
  nn::BatchBuffer points_, sigma_;
  gpu::Program samples_, splat_, decay_, bits_program_;
};

}  // namespace nf::render
