#pragma once
// The training loop of an image experiment, shared by `nf fit`, `nf bench` and the viewer's batch mode:
// steps, optional periodic full-image evaluation, progress callbacks, timings.
#include <cmath>
#include <utility>
#include <vector>

#include "core/image.hpp"
#include "pipeline/fit_progress.hpp"
#include "pipeline/image_experiment.hpp"

namespace nf::pipeline {

struct FitResult {
  std::vector<std::pair<uint32_t, double>> curve;  // (step, full-image PSNR)
  double train_seconds = 0;  // training only (evaluations excluded)
  double eval_seconds = 0;
  StepReport last;
  Image render;  // the final full-size reconstruction (unclamped)
  // Scored on the render clamped to [0,1] for 8/16-bit targets (core/image_metrics.hpp); ssim is NaN for
  // images under 11 pixels a side.
  double psnr = 0, ssim = 0;
  // With a split (pixel_stride or holdout): PSNR over the training pixels and over the held-out ones;
  // NaN when every pixel trains.
  double psnr_train = std::nan(""), psnr_test = std::nan("");
};

// Trains `experiment` until its step budget is spent, then renders and scores the result against target.
FitResult fit_image(ImageExperiment& experiment, const Image& target, const FitOptions& options);

}  // namespace nf::pipeline
