#include "pipeline/image_fit.hpp"

#include <chrono>
#include <cmath>

#include "core/image_metrics.hpp"

namespace nf::pipeline {

FitResult fit_image(ImageExperiment& e, const Image& target, const FitOptions& options) {
  FitResult result;
  const uint32_t total = e.total_steps();
  ProgressMeter meter(options, total, e.batch_size(), e.steps_done());
  // Times an evaluation, which the meter leaves out of the training time.
  auto timed = [&meter, &result](auto&& evaluate) {
    const auto t0 = std::chrono::steady_clock::now();
    evaluate();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    meter.exclude(s);
    result.eval_seconds += s;
  };

  while (e.steps_done() < total) {
    if (meter.should_stop()) break;
    e.train_step();
    const uint32_t step = e.steps_done();
    meter.after_step(step, [&] { return e.report(); });
    if (options.eval_every > 0 && step % options.eval_every == 0 && step < total) {
      const StepReport r = e.report();
      double p = 0;
      timed([&] { p = psnr(scored_prediction(e.render(target.width, target.height), target), target); });
      result.curve.emplace_back(step, p);
      meter.report(r, p);
    } else if (meter.due()) {
      meter.report(e.report());
    }
  }
  result.last = e.report();
  result.train_seconds = meter.train_seconds();
  timed([&] {
    result.render = e.render(target.width, target.height);
    const Image scored = scored_prediction(result.render, target);
    result.psnr = psnr(scored, target);
    if (e.split().split()) {
      result.psnr_train = psnr(scored, target, e.split().train);
      result.psnr_test = psnr(scored, target, e.split().test);
    }
    // SSIM's 11x11 window needs at least 11 pixels per side.
    result.ssim = target.width >= 11 && target.height >= 11 ? ssim(scored, target) : std::nan("");
  });
  if (options.eval_every > 0 || result.curve.empty()) result.curve.emplace_back(result.last.step, result.psnr);
  meter.report(result.last, result.psnr);
  return result;
}

}  // namespace nf::pipeline
