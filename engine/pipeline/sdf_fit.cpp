#include "pipeline/sdf_fit.hpp"

#include <chrono>

namespace nf::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

SdfFitResult fit_sdf(SdfExperiment& e, const FitOptions& options) {
  SdfFitResult result;
  const uint32_t total = e.total_steps();
  const uint32_t first_step = e.steps_done();
  const auto start = Clock::now();
  auto last_progress = start;
  auto progress = [&](const StepReport& r) {
    if (!options.progress) return;
    FitProgress p;
    p.step = r.step;
    p.total = total;
    p.loss = r.loss;
    p.batch_psnr = r.batch_psnr;
    p.elapsed_seconds = seconds_since(start);
    p.steps_per_second = p.elapsed_seconds > 0 ? (r.step - first_step) / p.elapsed_seconds : 0;
    p.samples_per_second = p.steps_per_second * e.batch_size();
    p.eta_seconds = p.steps_per_second > 0 ? (total - r.step) / p.steps_per_second : 0;
    options.progress(p);
  };
  while (e.steps_done() < total) {
    e.train_step();
    if (options.progress && seconds_since(last_progress) >= options.progress_interval_seconds) {
      progress(e.report());
      last_progress = Clock::now();
    }
  }
  result.last = e.report();
  result.train_seconds = seconds_since(start);
  progress(result.last);
  return result;
}

}  // namespace nf::pipeline
