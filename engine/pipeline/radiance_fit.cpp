#include "pipeline/radiance_fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/image_metrics.hpp"

namespace nf::pipeline {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Image clamped(const Image& img) {
  Image out = img;
  for (float& v : out.pixels) v = std::clamp(v, 0.0f, 1.0f);
  return out;
}

}  // namespace

Image composite(const data::PosedView& view, const data::Background& background) {
  Image out(view.camera.k.width, view.camera.k.height, 3);
  for (size_t p = 0; p < view.rgba.size(); ++p) {
    const uint32_t v = view.rgba[p];
    const float a = float(v >> 24) / 255.0f;
    for (int c = 0; c < 3; ++c)
      out.pixels[p * 3 + size_t(c)] = float((v >> (8 * c)) & 255u) / 255.0f * a + background.color[size_t(c)] * (1 - a);
  }
  return out;
}

RadianceEval evaluate_views(RadianceExperiment& e, const std::vector<data::PosedView>& views, bool keep_renders,
                            size_t count) {
  const auto t0 = std::chrono::steady_clock::now();
  RadianceEval r;
  const size_t n = count ? std::min(count, views.size()) : views.size();
  const data::Background bg = e.eval_background();
  double sum_psnr = 0, sum_ssim = 0;
  for (size_t i = 0; i < n; ++i) {
    RadianceRender render = e.render(views[i].camera, bg);
    Image target = composite(views[i], bg);
    const Image scored = clamped(render.rgb);
    ViewScore s{views[i].name, psnr(scored, target),
                target.width >= 11 && target.height >= 11 ? ssim(scored, target) : std::nan("")};
    sum_psnr += s.psnr;
    sum_ssim += s.ssim;
    r.rays += render.rays;
    r.marched_samples += render.marched_samples;
    r.views.push_back(s);
    if (keep_renders) {
      r.renders.push_back(std::move(render));
      r.targets.push_back(std::move(target));
    }
  }
  r.psnr = n ? sum_psnr / double(n) : std::nan("");
  r.ssim = n ? sum_ssim / double(n) : std::nan("");
  r.seconds = seconds_since(t0);
  return r;
}

RadianceFitResult fit_radiance(RadianceExperiment& e, const std::vector<data::PosedView>& test_views,
                               const FitOptions& options, size_t curve_views) {
  RadianceFitResult result;
  ProgressMeter meter(options, e.total_steps(), e.samples_per_step(), e.steps_done());
  auto evaluate = [&](uint32_t step, const StepReport& r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double p = evaluate_views(e, test_views, false, curve_views).psnr;
    const double s = seconds_since(t0);
    meter.exclude(s);
    result.eval_seconds += s;
    result.curve.emplace_back(step, p);
    meter.report(r, p);
  };
  const bool curve = options.eval_every > 0 && !test_views.empty();
  while (e.steps_done() < e.total_steps()) {
    if (meter.should_stop()) break;
    result.rays += e.rays_per_step();
    e.train_step();
    const uint32_t step = e.steps_done();
    meter.after_step(step, [&] { return StepReport(e.report()); });
    if (curve && step % options.eval_every == 0 && step < e.total_steps()) evaluate(step, e.report());
    else if (meter.due()) meter.report(e.report());
  }
  result.last = e.report();
  result.train_seconds = meter.train_seconds();
  if (curve) evaluate(result.last.step, result.last);
  else meter.report(result.last);
  return result;
}

}  // namespace nf::pipeline
