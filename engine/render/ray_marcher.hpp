#pragma once
// Ray marching for radiance fields (shaders/radiance/march.comp): the samples of a batch of rays inside the
// scene box, where the occupancy grid says the scene is occupied, packed ray after ray into one buffer of a
// fixed capacity (a ray whose samples would not fit is dropped: no samples, flagged). Counts stay on the GPU
// (no read-back inside a training step); samples_per_ray() reads them when asked.
//
// Steps: dt = clamp(t * cone_angle, min_step, max_step) with min_step = sqrt(3) / steps (instant-ngp:
// 1024 steps across the diagonal of the unit cube), max_step = min_step * 2^(cascades - 1) * steps / 128
// (= sqrt(3) * 2^(cascades - 1) / 128, a cell of the coarsest cascade), cone_angle 0 for aabb_scale 1 (a
// bounded, object-centred scene) and 1/256 otherwise (steps grow with distance in unbounded scenes).
// Config ("march" of a radiance experiment): {"steps": 1024, "cone_angle": "auto" | number,
// "max_samples_per_ray": 1024, "near": 0}.
#include "core/config.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"
#include "render/occupancy_grid.hpp"

namespace nf::render {

// Rows of the sample batch: field input x (0-2), unit direction (3-5), dt (6), t (7).
struct SampleRows {
  static constexpr uint32_t kX = 0, kDirection = 3, kDt = 6, kT = 7, kCount = 8;
};

struct MarchConfig {
  uint32_t steps = 1024;
  float cone_angle = -1;  // < 0: auto
  uint32_t max_samples_per_ray = 1024;
  float near = 0;

  static MarchConfig from_config(ConfigReader& c);
  json config() const;
  float min_step() const;
  float max_step(uint32_t cascades) const;
  float cone(float aabb_scale) const { return cone_angle >= 0 ? cone_angle : aabb_scale > 1 ? 1.0f / 256 : 0.0f; }
};

class RayMarcher {
 public:
  // Room for max_rays rays and `capacity` samples (a multiple of 4).
  RayMarcher(gpu::Context& ctx, const MarchConfig& config, float aabb_scale, uint32_t cascades, uint32_t max_rays,
             uint32_t capacity);

  const MarchConfig& config() const { return config_; }
  uint32_t capacity() const { return samples_.capacity; }
  nn::BatchView samples() { return samples_.view(); }
  // Per ray: first sample and count (2 rows with the ray batch's stride; count bit 31: dropped).
  gpu::Buffer& ray_info() { return info_; }
  // Samples reserved by the last march (all rays, dropped ones included): one uint.
  gpu::Buffer& counter() { return counter_; }
  // The samples of the last march grouped by ray (nn::Segments): ray_info and, per sample, its ray (~0u where no
  // ray wrote). n: the rays of that march.
  nn::Segments segments(uint32_t n) { return {&info_, ray_stride_, n, &ray_of_}; }
  // The stride of the ray batches it takes (max_rays rounded up to 4).
  uint32_t ray_stride() const { return ray_stride_; }

  // Records the marching of rays [0, n) of `rays` (data::RayRows), jittered from (seed, step) when training.
  // max_samples_per_ray: a ray's cap for this march (0: the config's; at most the config's), e.g. for previews.
  void march(gpu::CommandList& cmd, const nn::BatchView& rays, uint32_t n, OccupancyGrid& grid, bool jitter,
             uint32_t seed, uint32_t step, uint32_t max_samples_per_ray = 0);

  // Host read-backs (wait for the GPU first): samples written by the last march (capped at the capacity) and
  // the number of rays it dropped among n.
  uint32_t samples_written() const;
  uint32_t dropped_rays(uint32_t n) const;

 private:
  MarchConfig config_;
  float aabb_scale_;
  uint32_t cascades_;
  uint32_t ray_stride_;
  nn::BatchBuffer samples_;
  gpu::Buffer info_, counter_, ray_of_;
  gpu::Program count_, write_;
};

}  // namespace nf::render
