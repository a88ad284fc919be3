#pragma once
// The training loop of an image experiment, shared by `nf fit`, `nf bench` and the viewer's batch mode:
// steps, optional periodic full-image evaluation, progress callbacks, timings.
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "core/image.hpp"
#include "pipeline/image_experiment.hpp"

namespace nf::pipeline {

struct FitProgress {
  uint32_t step = 0, total = 0;
  double loss = 0, batch_psnr = 0;
  double steps_per_second = 0, samples_per_second = 0;
  double elapsed_seconds = 0, eta_seconds = 0;
  std::optional<double> eval_psnr;  // set on evaluation steps
};

struct FitOptions {
  uint32_t eval_every = 0;  // full-image PSNR every K steps (and at the end); 0 = only at the end
  double progress_interval_seconds = 1.0;
  std::function<void(const FitProgress&)> progress;  // called about every interval and on evaluations
};

struct FitResult {
  std::vector<std::pair<uint32_t, double>> curve;  // (step, full-image PSNR)
  double train_seconds = 0;  // training only (evaluations excluded)
  double eval_seconds = 0;
  StepReport last;
  Image render;  // the final full-size reconstruction (unclamped)
  // Scored on the render clamped to [0,1] for 8/16-bit targets (core/image_metrics.hpp); ssim is NaN for
  // images under 11 pixels a side.
  double psnr = 0, ssim = 0;
};

// Trains `experiment` until its step budget is spent, then renders and scores the result against target.
FitResult fit_image(ImageExperiment& experiment, const Image& target, const FitOptions& options);

}  // namespace nf::pipeline
