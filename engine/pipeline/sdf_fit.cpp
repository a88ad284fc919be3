#include "pipeline/sdf_fit.hpp"

namespace nf::pipeline {

SdfFitResult fit_sdf(SdfExperiment& e, const FitOptions& options) {
  SdfFitResult result;
  ProgressMeter meter(options, e.total_steps(), e.batch_size(), e.steps_done());
  while (e.steps_done() < e.total_steps()) {
    if (meter.should_stop()) break;
    e.train_step();
    meter.after_step(e.steps_done(), [&] { return e.report(); });
    if (meter.due()) meter.report(e.report());
  }
  result.last = e.report();
  result.train_seconds = meter.train_seconds();
  meter.report(result.last);
  return result;
}

}  // namespace nf::pipeline
