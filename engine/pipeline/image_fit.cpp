#include "pipeline/image_fit.hpp"

#include <chrono>
#include <cmath>

#include "core/image_metrics.hpp"

namespace nf::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

FitResult fit_image(ImageExperiment& e, const Image& target, const FitOptions& options) {
  FitResult result;
  const uint32_t total = e.total_steps();
  const auto start = Clock::now();
  auto last_progress = start;
  double eval_seconds = 0;

  auto progress = [&](const StepReport& r, std::optional<double> eval_psnr) {
    if (!options.progress) return;
    FitProgress p;
    p.step = r.step;
    p.total = total;
    p.loss = r.loss;
    p.batch_psnr = r.batch_psnr;
    const double train = seconds_since(start) - eval_seconds;
    p.elapsed_seconds = seconds_since(start);
    p.steps_per_second = train > 0 ? (r.step - 0.0) / train : 0;
    p.samples_per_second = p.steps_per_second * e.batch_size();
    p.eta_seconds = p.steps_per_second > 0 ? (total - r.step) / p.steps_per_second : 0;
    p.eval_psnr = eval_psnr;
    options.progress(p);
  };

  while (e.steps_done() < total) {
    e.train_step();
    const uint32_t step = e.steps_done();
    const bool eval = options.eval_every > 0 && (step % options.eval_every == 0) && step < total;
    if (eval) {
      const StepReport r = e.report();
      const auto t0 = Clock::now();
      const double p = psnr(scored_prediction(e.render(target.width, target.height), target), target);
      eval_seconds += seconds_since(t0);
      result.curve.emplace_back(step, p);
      progress(r, p);
      last_progress = Clock::now();
    } else if (options.progress && seconds_since(last_progress) >= options.progress_interval_seconds) {
      progress(e.report(), std::nullopt);
      last_progress = Clock::now();
    }
  }
  result.last = e.report();
  result.train_seconds = seconds_since(start) - eval_seconds;
  const auto t0 = Clock::now();
  result.render = e.render(target.width, target.height);
  const Image scored = scored_prediction(result.render, target);
  result.psnr = psnr(scored, target);
  // SSIM's 11x11 window needs at least 11 pixels per side.
  result.ssim = target.width >= 11 && target.height >= 11 ? ssim(scored, target) : std::nan("");
  eval_seconds += seconds_since(t0);
  result.eval_seconds = eval_seconds;
  if (options.eval_every > 0 || result.curve.empty()) result.curve.emplace_back(result.last.step, result.psnr);
  progress(result.last, result.psnr);
  return result;
}

}  // namespace nf::pipeline
