#pragma once
// The training loop and the test-view evaluation of a radiance experiment, shared by `nf fit`, `nf eval`,
// `nf bench nerf` and the viewer.
#include <utility>
#include <vector>

#include "pipeline/fit_progress.hpp"
#include "pipeline/radiance_experiment.hpp"

namespace nf::pipeline {

// A view's render scored against its photo composited on the same background (8-bit values as stored;
// predictions clamped to [0, 1]).
struct ViewScore {
  std::string name;
  double psnr = 0, ssim = 0;
};

struct RadianceEval {
  std::vector<ViewScore> views;
  double psnr = 0, ssim = 0;  // means over the views (NaN without views)
  double seconds = 0;
  uint64_t rays = 0, marched_samples = 0;
  std::vector<RadianceRender> renders;  // when kept
  std::vector<Image> targets;           // the photos on the background, when kept
};

// The photo of a view composited on a background (3 channels).
Image composite(const data::PosedView& view, const data::Background& background);

// Renders and scores views [0, count) of `views` (count 0: all) on the experiment's evaluation background.
RadianceEval evaluate_views(RadianceExperiment& e, const std::vector<data::PosedView>& views, bool keep_renders,
                            size_t count = 0);

struct RadianceFitResult {
  std::vector<std::pair<uint32_t, double>> curve;  // (step, mean test-view PSNR of the views evaluated)
  double train_seconds = 0, eval_seconds = 0;
  RadianceStepReport last;
  uint64_t rays = 0;  // rays trained on
};

// Trains until the step budget (or options.max_seconds) is spent. With options.eval_every, scores the first
// `curve_views` test views every so many steps (and at the end) for the curve.
RadianceFitResult fit_radiance(RadianceExperiment& e, const std::vector<data::PosedView>& test_views,
                               const FitOptions& options, size_t curve_views = 3);

}  // namespace nf::pipeline
