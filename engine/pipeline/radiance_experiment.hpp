#pragma once
// Fitting a radiance field to posed photos: the entry point apps use for the radiance task.
//
// Experiment config (assets/configs/nerf-*.json):
//   {"field": {radiance field, fields/radiance_field.hpp}, "loss": {"type": "l2" | "huber", "delta": d},
//    "optimizer": {...}, "schedule": {...}, "steps": N, "rays_per_step": R0, "samples_per_step": S,
//    "occupancy": {render/occupancy_grid.hpp}, "march": {render/ray_marcher.hpp}, "background": "random" |
//    "white" | "black" | "R,G,B", "description": "..."}
// A training step, recorded into one command list and submitted once (nothing read back inside it):
//   occupancy-grid update when due -> R random rays of the training views (colours composited on the
//   background: a random colour per ray by default, as instant-ngp) -> marching (samples in occupied cells,
//   at most S in all) -> field forward on the S sample slots -> volume rendering, loss and its gradient ->
//   field backward -> optimizer.
// R starts at rays_per_step and then follows instant-ngp: the host reads the sample count of a finished step
// (two steps back, so it never waits) and sets R so that the marched samples fill about 7/8 of S.
// Renders (test views, any camera) march without jitter in chunks of rays, and may read back counts.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/image.hpp"
#include "data/posed_images.hpp"
#include "data/ray_sampler.hpp"
#include "fields/radiance_field.hpp"
#include "gpu/profiler.hpp"
#include "gpu/stream.hpp"
#include "gpu/timestamps.hpp"
#include "io/snapshot.hpp"
#include "pipeline/image_experiment.hpp"
#include "pipeline/training.hpp"
#include "render/occupancy_grid.hpp"
#include "render/ray_marcher.hpp"
#include "render/volume_renderer.hpp"

namespace nf::pipeline {

// What a radiance experiment keeps of its scene (snapshots store it): where it came from, its box, and its
// cameras by view name, so that a snapshot renders its views without the photos.
struct RadianceSceneInfo {
  std::string source;
  data::SceneBox box;
  std::vector<std::string> train_names, test_names;
  std::vector<data::Camera> train_cameras, test_cameras;

  static RadianceSceneInfo of(const data::Scene& scene);
  json to_json() const;
  static RadianceSceneInfo from_json(const json& j);
};

// The field config for a scene of aabb_scale A: "finest_resolution": "scene" in its encoding becomes instant-ngp's
// 2048 cells across the unit cube, x A (the grid spans the whole box).
json resolve_radiance_field(json field, double aabb_scale);

// Whether a snapshot holds a radiance field.
bool is_radiance_snapshot(const Snapshot& snapshot);

json camera_to_json(const data::Camera& c);
data::Camera camera_from_json(const json& j);

struct RadianceStepReport : StepReport {
  uint32_t rays = 0;            // rays of the last step
  double samples_per_ray = 0;   // marched samples per ray of the last step
};

// One rendered view: colour (3 channels), expected depth (scene units along the ray, 0 where empty),
// opacity, and samples per ray (marched).
struct RadianceRender {
  Image rgb, depth, opacity, samples;
  uint64_t rays = 0, marched_samples = 0;
};

class RadianceExperiment {
 public:
  // scene: its training views' images train the field (scene->train must have images), or nullptr for a
  // render-only experiment of `info`'s scene. steps overrides the config's budget.
  RadianceExperiment(gpu::Context& ctx, const json& config, const std::string& config_name, const data::Scene* scene,
                     const RadianceSceneInfo& info, uint32_t seed, std::optional<uint32_t> steps = {});
  // Rebuilds a trained experiment from a radiance snapshot (parameters, occupancy grid, and optimizer state
  // when saved); scene as for the constructor. path names the snapshot in errors.
  static std::unique_ptr<RadianceExperiment> from_snapshot(gpu::Context& ctx, const Snapshot& snapshot,
                                                           const std::string& path, const data::Scene* scene);
  ~RadianceExperiment();
  RadianceExperiment(const RadianceExperiment&) = delete;
  RadianceExperiment& operator=(const RadianceExperiment&) = delete;

  uint32_t total_steps() const { return total_steps_; }
  uint32_t steps_done() const { return step_; }
  uint32_t samples_per_step() const { return samples_; }
  uint32_t rays_per_step() const { return rays_; }  // of the next step
  const json& config() const { return config_; }
  const RadianceSceneInfo& scene() const { return info_; }
  const data::Background& background() const { return background_; }
  // The background test views are scored on: the training one when fixed, else white (Blender's convention).
  data::Background eval_background() const;
  fields::RadianceField& field() { return *field_; }
  gpu::Context& context() { return ctx_; }
  render::OccupancyGrid& grid() { return *grid_; }
  uint64_t image_bytes() const { return sampler_ ? sampler_->image_bytes() : 0; }

  // Records and submits one training step (returns without waiting). With a profiler, every command of the
  // step is timed (read profiler->results() after report()).
  void train_step(gpu::Profiler* profiler = nullptr);
  // Waits for the submitted steps and reports the last one.
  RadianceStepReport report();
  StepCounts step_counts() const;
  void set_learning_rate_scale(double scale) { lr_scale_ = scale; }

  // Renders a camera's view (waits). max_samples_per_ray: 0 = the march config's.
  RadianceRender render(const data::Camera& camera, const data::Background& background, uint32_t max_samples_per_ray = 0);
  // Fraction of the finest cascade's cells that are occupied (waits).
  double occupancy();
  // The field's density at points x (3 floats each, field coordinates in [-1,1]^3); waits.
  std::vector<float> density(std::span<const float> x);

  Snapshot snapshot(bool with_optimizer);

 private:
  void adapt_rays();

  gpu::Context& ctx_;
  json config_;
  RadianceSceneInfo info_;
  uint32_t seed_;
  uint32_t total_steps_ = 0, step_ = 0, samples_ = 0, rays_ = 0, max_rays_ = 0;
  double lr_scale_ = 1.0;
  data::Background background_;
  std::unique_ptr<fields::RadianceField> field_;
  Training training_;
  render::RayLossConfig loss_;
  std::unique_ptr<data::RaySampler> sampler_, view_sampler_;
  std::unique_ptr<render::OccupancyGrid> grid_;
  std::unique_ptr<render::RayMarcher> marcher_;
  std::unique_ptr<render::VolumeRenderer> volume_;
  nn::BatchBuffer rays_buffer_, outs_, d_outs_;
  gpu::Stream stream_;
  std::vector<std::unique_ptr<gpu::TimestampPool>> timers_;
  // Per stream slot: the sample counter of that slot's last training step and its ray count.
  std::array<gpu::Buffer, 2> counts_;
  std::array<uint32_t, 2> count_rays_{0, 0};
  uint32_t last_rays_ = 0, last_slot_ = 0;
};

}  // namespace nf::pipeline
