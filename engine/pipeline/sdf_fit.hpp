#pragma once
// The training loop of an SDF experiment (nf fit on a mesh): steps, progress callbacks, timings. Quality
// metrics (IoU, Chamfer) are computed afterwards by pipeline/sdf_metrics.hpp.
#include "pipeline/image_fit.hpp"
#include "pipeline/sdf_experiment.hpp"

namespace nf::pipeline {

struct SdfFitResult {
  double train_seconds = 0;
  StepReport last;
};

// Trains until the step budget is spent. options.eval_every is ignored (no periodic evaluation).
SdfFitResult fit_sdf(SdfExperiment& experiment, const FitOptions& options);

}  // namespace nf::pipeline
