#pragma once
// Fitting a signed distance field to a mesh: the entry point apps use for the SDF task.
//
// Experiment config (assets/configs/sdf-*.json):
//   {"field": {...}, "loss": {...}, "optimizer": {...}, "schedule": {...}, "steps": N, "batch_size": B,
//    "chunk_size": C, "pool": {"size": P, "surface": 1, "near_fine": 0, "near_coarse": 0, "uniform": 7,
//    "sigma_fine": 0.01, "sigma_coarse": 0.1}, "description": "..."}
// The pool (data/sdf_samples.hpp, normalised units, seeded by the experiment's seed) is drawn on the CPU
// and uploaded once; each step gathers B points from it uniformly with replacement on the GPU
// (data/sdf_sampler.hpp), so a batch has the pool's kind mix in expectation. With "refresh_every": K > 0
// in "pool", the next pool is drawn on a CPU thread while the GPU trains and swapped in every K steps
// (pool g is seeded from (seed, g), so runs stay reproducible); a 2^20 pool costs ~6 s of 2 CPU cores,
// which on lavapipe competes with the device itself, so the named configs leave it off (0).
// Steps run in chunks of at most C samples, one submit per step (as ImageExperiment).
// Optional "eikonal": {"weight": w} adds w * mean (|grad_x f| - 1)^2 over uniform points to the loss, with its
// exact gradient (fields::Field::eikonal_backward): each step draws as many points from the pool's uniform
// points as the batch holds in expectation (batch x the uniform share), in chunks of C. Fields whose modules
// lack tangent passes (CAM, sine MLPs, Fourier features, ...) are a config error naming the module.
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/mesh.hpp"
#include "data/mesh_sdf.hpp"
#include "data/sdf_sampler.hpp"
#include "fields/field.hpp"
#include "gpu/stream.hpp"
#include "gpu/timestamps.hpp"
#include "io/snapshot.hpp"
#include "pipeline/image_experiment.hpp"
#include "pipeline/training.hpp"
#include "render/sphere_trace.hpp"

namespace nf::pipeline {

struct SdfTargetInfo {
  std::string source;             // the mesh file
  data::MeshTransform transform;  // file units -> normalised units
};

class SdfExperiment {
 public:
  // mesh == nullptr builds an evaluation-only experiment (no training). mesh is in normalised units (the
  // MeshSdf of load_mesh()'s mesh). steps overrides the config's budget.
  SdfExperiment(gpu::Context& ctx, const json& config, const std::string& config_name, const data::MeshSdf* mesh,
                const SdfTargetInfo& info, uint32_t seed, std::optional<uint32_t> steps = {});
  // Rebuilds a trained experiment from an SDF snapshot. path names it in errors. mesh: the mesh it was
  // trained on (normalised units, as for the constructor) to go on training, or nullptr for evaluation only.
  static std::unique_ptr<SdfExperiment> from_snapshot(gpu::Context& ctx, const Snapshot& snapshot,
                                                      const std::string& path, const data::MeshSdf* mesh = nullptr);

  uint32_t total_steps() const { return total_steps_; }
  uint32_t steps_done() const { return step_; }
  uint32_t batch_size() const { return batch_; }
  uint32_t chunk_size() const { return chunk_; }
  uint32_t pool_size() const { return sampler_ ? sampler_->pool_size() : 0; }
  uint32_t pools_used() const { return pools_used_; }  // pools trained on so far (1 + refreshes)
  const SdfTargetInfo& target_info() const { return info_; }
  const json& config() const { return config_; }
  fields::Field& field() { return *field_; }
  gpu::Context& context() { return ctx_; }

  // Records and submits one training step (returns without waiting).
  void train_step();
  // Multiplies every learning rate (on top of the schedule) from the next step on, as
  // ImageExperiment::set_learning_rate_scale (the viewer's live control); snapshots keep the config's rates.
  void set_learning_rate_scale(double scale) { lr_scale_ = scale; }
  double learning_rate_scale() const { return lr_scale_; }
  // Waits for the submitted steps and reports the last one (batch_psnr is that of the batch's MSE).
  StepReport report();
  ~SdfExperiment();
  SdfExperiment(const SdfExperiment&) = delete;
  SdfExperiment& operator=(const SdfExperiment&) = delete;
  StepCounts step_counts() const;

  // The field's signed distance (normalised units) at xyz (3 floats a point, normalised units); waits.
  std::vector<float> evaluate(std::span<const float> xyz);
  // Its analytic gradient there (3 floats a point); waits.
  std::vector<float> gradient(std::span<const float> xyz);
  // The eikonal term's last step (waits): mean (|grad f| - 1)^2 (before its weight) and mean |grad f| over
  // its points; nothing without an eikonal term or before the first step.
  std::optional<nn::EikonalReadout> eikonal_readout();

  // A sphere-traced view of the field's zero level set (waits).
  Image render(const render::OrbitCamera& camera, const render::TraceOptions& options);

  Snapshot snapshot(bool with_optimizer);

 private:
  // Uploads xyz (3 floats a point, at most chunk_size() points) into the field's input batch, feature-major;
  // column: scratch of chunk_size() floats.
  void upload_points(std::span<const float> xyz, std::vector<float>& column);

  gpu::Context& ctx_;
  json config_;
  SdfTargetInfo info_;
  uint32_t seed_;
  uint32_t total_steps_ = 0, step_ = 0, batch_ = 0, chunk_ = 0;
  std::unique_ptr<fields::Field> field_;
  Training training_;
  std::unique_ptr<data::SdfSampler> sampler_;
  const data::MeshSdf* mesh_ = nullptr;
  data::SdfSampleOptions pool_options_;
  uint32_t refresh_every_ = 0, pools_used_ = 0;
  double lr_scale_ = 1.0;
  std::future<data::SdfSamples> next_pool_;
  std::unique_ptr<render::SphereTracer> tracer_;
  nn::BatchBuffer x_, target_, y_, d_y_;
  double eikonal_weight_ = 0;
  uint32_t eikonal_points_ = 0;  // per step
  std::unique_ptr<nn::Eikonal> eikonal_;
  nn::BatchBuffer grad_;  // gradient() and the eikonal points' x
  gpu::Stream stream_;
  std::vector<std::unique_ptr<gpu::TimestampPool>> timers_;
};

// Is this snapshot an SDF one (task "sdf")?
bool is_sdf_snapshot(const Snapshot& snapshot);

}  // namespace nf::pipeline
