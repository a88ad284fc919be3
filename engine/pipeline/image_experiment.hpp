#pragma once
// Fitting an image: the one entry point apps use for the image task.
//
// Experiment config (assets/configs/*.json):
//   {"field": {...}, "loss": {...}, "optimizer": {...}, "schedule": {...}, "steps": N,
//    "sampling": "random" | "all", "batch_size": B, "chunk_size": C, "pixel_stride": k,
//    "holdout": f, "holdout_seed": s,
//    "color": "stored" | "rgb",
//    "pixel_coordinates": "centers" | "corners", "init": {"type": "fresh", ...}, "description": "..."}
// sampling "random": B pixels uniform with replacement each step; "all": every pixel once per step
// (full-batch regression; batch_size is then the pixel count); pixel_stride k > 1 trains on the pixels
// whose coordinates are multiples of k only (CAM's generalization task; evaluation still uses every
// pixel); holdout f in [0, 1) holds out floor(f x pixels) pixels drawn with holdout_seed (default 0), as
// gmum/FreSh's image protocol does with f = 0.1: the split is the same for every fit seed, so runs that
// differ in anything else are scored on the same pixels (data/pixel_split.hpp). color "rgb" fits 3 channels whatever the file stores (gray replicated, alpha dropped), as code
// that loads images as RGB does; apps apply it with prepare_target() before building the experiment.
// A step runs in chunks of at most C samples
// (gradients accumulate across chunks, so the step equals one batch of B); C defaults to B and shrinks to
// what the device's buffers hold. Each step is recorded into one command list and submitted once:
// sample, forward, loss, backward per chunk, then the optimizer; nothing is read back unless report() is
// called. All device memory is allocated in the constructor.
#include <memory>
#include <optional>
#include <string>

#include "core/image.hpp"
#include "data/image_sampler.hpp"
#include "fields/field.hpp"
#include "gpu/profiler.hpp"
#include "gpu/stream.hpp"
#include "gpu/timestamps.hpp"
#include "io/snapshot.hpp"
#include "nn/losses/loss.hpp"
#include "pipeline/training.hpp"
#include "render/image_render.hpp"

namespace nf::pipeline {

struct ImageTargetInfo {
  std::string source;  // file the target came from
  int width = 0, height = 0, channels = 0;
};

// The field config for a width x height target: instant-ngp sizes the hash grid's finest level to half
// the image's longer side, "finest_resolution": "half_image".
json resolve_field_config(json field, int width, int height);

// The target as the config fits it: unchanged for "color": "stored" (the default), three channels for
// "rgb" (gray replicated, alpha dropped).
Image prepare_target(const Image& image, const json& config);

struct StepReport {
  uint32_t step = 0;      // steps done
  double loss = 0;        // training loss of the last step's batch
  double batch_psnr = 0;  // PSNR of the last step's batch (from its MSE)
  double gpu_ms = 0;      // GPU time of the last step (timestamps), 0 if unavailable
};

struct StepCounts {
  uint32_t dispatches = 0, barriers = 0, transfers = 0, submits = 1;
};

class ImageExperiment {
 public:
  // config_name names the config in errors. target == nullptr builds a render-only experiment (no
  // training) of info's size and channels. steps overrides the config's budget (schedules scale with it).
  ImageExperiment(gpu::Context& ctx, const json& config, const std::string& config_name, const Image* target,
                  const ImageTargetInfo& info, uint32_t seed, std::optional<uint32_t> steps = {});
  // Rebuilds a trained experiment from a snapshot (parameters, and optimizer state when saved).
  // target may be nullptr (render only). path names the snapshot in errors.
  static std::unique_ptr<ImageExperiment> from_snapshot(gpu::Context& ctx, const Snapshot& snapshot,
                                                        const std::string& path, const Image* target);

  uint32_t total_steps() const { return total_steps_; }
  uint32_t steps_done() const { return step_; }
  uint32_t batch_size() const { return batch_; }
  uint32_t chunk_size() const { return chunk_; }
  const ImageTargetInfo& target_info() const { return info_; }
  const json& config() const { return config_; }
  fields::Field& field() { return *field_; }
  PixelCoordinates pixel_coordinates() const { return coordinates_; }
  // The pixels training never sees (pixel_stride or holdout); no split when every pixel trains.
  const data::PixelSplit& split() const { return split_; }

  // Records and submits one training step (returns without waiting). With a profiler, every command of
  // the step is timed (read profiler->results() after report()).
  void train_step(gpu::Profiler* profiler = nullptr);
  // Waits for the submitted steps and reports the last one.
  StepReport report();
  // Commands recorded per step (the last one).
  StepCounts step_counts() const;

  // Multiplies every group's learning rate (on top of the schedule) from the next step on, without
  // rebuilding anything: the viewer's live learning-rate control. 1 by default; snapshots keep the config's
  // rates.
  void set_learning_rate_scale(double scale) { lr_scale_ = scale; }
  double learning_rate_scale() const { return lr_scale_; }

  // Renders the field at any size (waits).
  Image render(int width, int height);

  Snapshot snapshot(bool with_optimizer);

 private:
  gpu::Context& ctx_;
  json config_;
  ImageTargetInfo info_;
  uint32_t seed_;
  uint32_t total_steps_ = 0, step_ = 0, batch_ = 0, chunk_ = 0;
  double lr_scale_ = 1.0;
  data::ImageSampler::Mode sampling_ = data::ImageSampler::Mode::Random;
  PixelCoordinates coordinates_ = PixelCoordinates::Centers;
  data::PixelSplit split_;
  std::unique_ptr<fields::Field> field_;
  Training training_;
  std::unique_ptr<data::ImageSampler> sampler_;
  std::unique_ptr<render::ImageRenderer> renderer_;
  nn::BatchBuffer x_, target_, y_, d_y_;
  gpu::Stream stream_;
  std::vector<std::unique_ptr<gpu::TimestampPool>> timers_;
};

}  // namespace nf::pipeline
