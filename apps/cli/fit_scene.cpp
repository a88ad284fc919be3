#include "fit_scene.hpp"

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "fresh_report.hpp"
#include "output.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/fresh_signals.hpp"
#include "pipeline/radiance_fit.hpp"

namespace nf::cli {
namespace fs = std::filesystem;

bool is_scene_input(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) || fs::path(path).extension() == ".json";
}

// A view's name as a file name: its file_path without folders or extension.
std::string view_file_name(const std::string& name) { return fs::path(name).stem().string(); }

void run_fit_scene(const FitArgs& a, const FitRun& run) {
  auto config = pipeline::load_config(a.field.empty() ? "nerf-hashgrid" : a.field);
  for (const auto& o : a.overrides) pipeline::apply_override(config.value, o);
  if (!a.scene.background.empty()) {
    data::Background::parse(a.scene.background);  // fails naming the value
    config.value["background"] = a.scene.background;
  }
  // Everything that can be wrong with the inputs is checked before anything is written.
  const data::Scene scene = data::load_scene(a.input, a.scene.options());
  gpu::Context ctx(a.gpu.context_options());
  const std::string where = "config " + config.name;
  const auto fresh = run.resume() ? std::nullopt
                                  : pipeline::resolve_fresh_init(config.value, where, [&](const pipeline::FreshOptions& o) {
                                      return pipeline::fresh_select_radiance(
                                          ctx, config.value, where, scene, o,
                                          a.quiet ? pipeline::FreshProgress{} : fresh_progress_printer("FreSh"));
                                    });
  std::optional<uint32_t> steps;
  if (a.steps) steps = a.steps;
  auto compiling = std::make_unique<SlowNotice>(kCompilingKernels, kCompiledKernels, !a.quiet);
  const auto made =
      run.resume() ? pipeline::RadianceExperiment::from_snapshot(ctx, *run.resume(), a.resume + "/snapshot.nf", &scene)
                   : std::make_unique<pipeline::RadianceExperiment>(ctx, config.value, config.name, &scene,
                                                                    pipeline::RadianceSceneInfo::of(scene), a.seed, steps);
  pipeline::RadianceExperiment& experiment = *made;
  compiling.reset();
  OutputDir out(a.out);
  run.start(out);
  if (fresh) {
    if (!a.quiet) print_fresh_table(*fresh);
    write_fresh_outputs(out, *fresh);
  }
  const auto& cam = scene.train.front().camera.k;
  if (!a.quiet)
    std::fprintf(stderr,
                 "nf fit: %s: %zu training views (%dx%d), %zu test views (%s), %.1f MiB of images on the GPU; '%s' on "
                 "%s: %u steps of %u samples, %llu parameters\n",
                 a.input.c_str(), scene.train.size(), cam.width, cam.height, scene.test.size(), scene.test_split.c_str(),
                 double(experiment.image_bytes()) / (1 << 20), config.name.c_str(), ctx.info().name.c_str(),
                 experiment.total_steps(), experiment.samples_per_step(),
                 static_cast<unsigned long long>(experiment.field().parameter_count()));
  pipeline::FitOptions options;
  options.eval_every = a.eval_every;
  options.max_seconds = a.max_seconds;
  if (!a.quiet) options.progress = print_progress;
  run.configure(options, out, [&] { return experiment.snapshot(true); });
  const auto result = pipeline::fit_radiance(experiment, scene.test, options);

  const auto eval = pipeline::evaluate_views(experiment, scene.test, true);
  const double occupancy = experiment.occupancy();
  if (!scene.test.empty()) fs::create_directories(out.path("test"));
  json psnr_views = json::object(), ssim_views = json::object();
  for (size_t i = 0; i < eval.views.size(); ++i) {
    const std::string name = view_file_name(eval.views[i].name);
    write_image(out.path("test/" + name + ".png"), eval.renders[i].rgb);
    write_image(out.path("test/" + name + "_error.png"), error_map(eval.renders[i].rgb, eval.targets[i], 0.1));
    psnr_views[eval.views[i].name] = eval.views[i].psnr;
    ssim_views[eval.views[i].name] = eval.views[i].ssim;
  }
  write_snapshot(out.path("snapshot.nf"), experiment.snapshot(!a.no_optimizer_state || run.stopped()));

  const auto counts = experiment.step_counts();
  json metrics = {{"psnr", eval.psnr},
                  {"ssim", eval.ssim},
                  {"psnr_views", psnr_views},
                  {"ssim_views", ssim_views},
                  {"test_views", eval.views.size()},
                  {"test_split", scene.test_split},
                  {"train_views", scene.train.size()},
                  {"steps", result.last.step},
                  {"train_seconds", result.train_seconds},
                  {"steps_per_second", result.last.step / result.train_seconds},
                  {"rays_per_second", double(result.rays) / result.train_seconds},
                  {"rays_per_step", result.last.rays},
                  {"samples_per_step", experiment.samples_per_step()},
                  {"samples_per_ray", result.last.samples_per_ray},
                  {"eval_samples_per_ray", eval.rays ? double(eval.marched_samples) / double(eval.rays) : 0.0},
                  {"eval_rays_per_second", eval.seconds > 0 ? double(eval.rays) / eval.seconds : 0.0},
                  {"occupancy", occupancy},
                  {"gpu_ms_per_step", result.last.gpu_ms},
                  {"final_loss", result.last.loss},
                  {"params", experiment.field().parameter_count()},
                  {"field", config.name},
                  {"config", experiment.config()},
                  {"device", ctx.info().name},
                  {"input", a.input},
                  {"background", experiment.background().name()},
                  {"eval_background", experiment.eval_background().name()},
                  {"image_bytes", experiment.image_bytes()},
                  {"seed", a.seed},
                  {"dispatches_per_step", counts.dispatches},
                  {"submits_per_step", counts.submits},
                  {"host_round_trips_per_step", 0},
                  {"peak_device_bytes", ctx.memory().peak_bytes},
                  {"eval_seconds", result.eval_seconds + eval.seconds}};
  if (fresh) metrics["fresh"] = {{"parameter", fresh->parameter}, {"selected", fresh->selected_value()}, {"seconds", fresh->seconds}};
  if (!result.curve.empty()) {
    json curve = json::array();
    for (const auto& [s, p] : result.curve) curve.push_back({s, p});
    metrics["curve"] = curve;
  }
  write_json(out.path("metrics.json"), metrics);
  out.commit();
  std::printf("psnr %.3f dB  ssim %.4f  (%zu test views)  steps %u  train %.1f s  (%.0f rays/s, %.1f samples/ray, "
              "occupancy %.3f)  -> %s\n",
              eval.psnr, eval.ssim, eval.views.size(), result.last.step, result.train_seconds,
              metrics["rays_per_second"].get<double>(), result.last.samples_per_ray, occupancy, a.out.c_str());
  run.finish(result.last.step, experiment.total_steps());
}

}  // namespace nf::cli
