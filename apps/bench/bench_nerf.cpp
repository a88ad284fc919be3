// nf bench nerf: radiance fields side by side on one scene, PSNR against wall time. Each field trains for
// --max-seconds (evaluations excluded); every --eval-seconds the mean PSNR of the first --curve-views test views
// is recorded; at the end every test view is scored. Writes bench.json (per field: curve, final PSNR/SSIM,
// rays/s, samples per ray, occupancy, submits and host round trips per step, FLOPs and bytes per sample),
// curve.csv and curve.png (PSNR vs seconds, one line per field), and each field's test renders. Schedules
// follow the configs' step budgets (a field also stops when its budget is spent).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "core/error.hpp"
#include "fit_scene.hpp"
#include "gpu_options.hpp"
#include "io/atomic_file.hpp"
#include "io/image_io.hpp"
#include "output.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/radiance_fit.hpp"
#include "plot.hpp"
#include "profile_step.hpp"

namespace nf::cli {
namespace {

struct BenchNerfArgs {
  std::string scene;
  std::string fields = "nerf-hashgrid,nerf-rbf";
  double max_seconds = 600, eval_seconds = 60;
  uint32_t curve_views = 3, seed = 0;
  std::string out = "bench-nerf";
  std::vector<std::string> overrides;
  SceneArgs scene_args;
  bool quiet = false;
  GpuOptions gpu;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run_bench_nerf(const BenchNerfArgs& a) {
  const auto names = split(a.fields);
  if (names.empty()) fail("nf bench nerf: --fields lists no config");
  std::vector<pipeline::NamedConfig> configs;
  for (const auto& n : names) {
    configs.push_back(pipeline::load_config(n));
    for (const auto& o : a.overrides) pipeline::apply_override(configs.back().value, o);
    if (!a.scene_args.background.empty()) configs.back().value["background"] = a.scene_args.background;
  }
  const data::Scene scene = data::load_scene(a.scene, a.scene_args.options());
  if (scene.test.empty()) fail("scene ", a.scene, ": no test views to score (--holdout-every)");
  gpu::Context ctx(a.gpu.context_options());
  OutputDir out(a.out);
  std::string csv = "field,seconds,step,psnr\n";
  std::vector<bench::Series> series;
  json fields = json::array();
  for (const auto& config : configs) {
    auto compiling = std::make_unique<SlowNotice>(kCompilingKernels, kCompiledKernels, !a.quiet);
    pipeline::RadianceExperiment e(ctx, config.value, config.name, &scene, pipeline::RadianceSceneInfo::of(scene),
                                   a.seed);
    compiling.reset();
    if (!a.quiet)
      std::fprintf(stderr, "nf bench nerf: '%s' on %s for %.0f s: %zu training views, %zu test views, %llu parameters\n",
                   config.name.c_str(), ctx.info().name.c_str(), a.max_seconds, scene.train.size(), scene.test.size(),
                   static_cast<unsigned long long>(e.field().parameter_count()));
    bench::Series s{config.name, {}};
    json curve = json::array();
    double train = 0, next_eval = a.eval_seconds;
    uint64_t rays = 0;
    auto record = [&](double at) {
      const auto r = e.report();
      const double p = pipeline::evaluate_views(e, scene.test, false, a.curve_views).psnr;
      curve.push_back({{"seconds", at}, {"step", r.step}, {"psnr", p}, {"samples_per_ray", r.samples_per_ray}});
      s.points.emplace_back(at, p);
      csv += config.name + "," + std::to_string(at) + "," + std::to_string(r.step) + "," + std::to_string(p) + "\n";
      if (!a.quiet)
        std::fprintf(stderr, "  %7.1f s  step %6u  batch %5.2f dB  test views %5.2f dB  %u rays x %.1f samples\n", at,
                     r.step, r.batch_psnr, p, r.rays, r.samples_per_ray);
    };
    auto t0 = std::chrono::steady_clock::now();
    while (train < a.max_seconds && e.steps_done() < e.total_steps()) {
      rays += e.rays_per_step();
      e.train_step();
      train = seconds_since(t0);
      if (train >= next_eval) {
        e.report();  // the steps so far, done
        train = seconds_since(t0);
        const auto te = std::chrono::steady_clock::now();
        record(train);
        t0 += std::chrono::steady_clock::now() - te;  // evaluations do not count
        next_eval += a.eval_seconds;
      }
    }
    const auto last = e.report();
    train = seconds_since(t0);
    if (s.points.empty() || s.points.back().first < train - 1) record(train);
    const auto eval = pipeline::evaluate_views(e, scene.test, true);
    const std::string dir = config.name;
    std::filesystem::create_directories(out.path(dir));
    for (size_t i = 0; i < eval.views.size(); ++i)
      write_image(out.path(dir + "/" + std::filesystem::path(eval.views[i].name).stem().string() + ".png"),
                  eval.renders[i].rgb);
    // One extra, profiled step: GPU time per command.
    const json kernels = profile_step(ctx, e);
    const auto counts = e.step_counts();
    const auto cost = e.field().training_cost();
    json views = json::object();
    for (const auto& v : eval.views) views[v.name] = v.psnr;
    fields.push_back({{"field", config.name},
                      {"config", e.config()},
                      {"params", e.field().parameter_count()},
                      {"train_seconds", train},
                      {"steps", last.step},
                      {"rays_per_second", double(rays) / train},
                      {"samples_per_step", e.samples_per_step()},
                      {"samples_per_second", double(last.step) * e.samples_per_step() / train},
                      {"samples_per_ray", last.samples_per_ray},
                      {"eval_samples_per_ray", double(eval.marched_samples) / double(eval.rays)},
                      {"occupancy", e.occupancy()},
                      {"psnr", eval.psnr},
                      {"ssim", eval.ssim},
                      {"psnr_views", views},
                      {"eval_rays_per_second", double(eval.rays) / eval.seconds},
                      {"curve", curve},
                      {"submits_per_step", counts.submits},
                      {"host_round_trips_per_step", 0},
                      {"dispatches_per_step", counts.dispatches},
                      {"field_flops_per_sample", cost.flops},
                      {"field_bytes_per_sample", cost.bytes},
                      {"kernel_ms", kernels}});
    series.push_back(std::move(s));
    std::printf("%-16s %6.1f s  %6u steps  test PSNR %.2f dB  SSIM %.4f  %.0f rays/s  %.1f samples/ray  occupancy %.3f\n",
                config.name.c_str(), train, last.step, eval.psnr, eval.ssim, double(rays) / train, last.samples_per_ray,
                fields.back()["occupancy"].get<double>());
  }
  write_json(out.path("bench.json"), {{"scene", a.scene},
                                      {"device", ctx.info().name},
                                      {"driver", ctx.info().driver},
                                      {"train_views", scene.train.size()},
                                      {"test_views", scene.test.size()},
                                      {"downscale", a.scene_args.downscale},
                                      {"max_seconds", a.max_seconds},
                                      {"fields", fields}});
  write_file_atomically(out.path("curve.csv"), csv);
  write_image(out.path("curve.png"),
              bench::line_chart("test-view PSNR vs training time: " + std::filesystem::path(a.scene).filename().string(),
                                "seconds", "PSNR (dB)", series));
  out.commit();
  std::printf("-> %s\n", a.out.c_str());
}

}  // namespace

void add_bench_nerf(CLI::App& bench) {
  auto args = std::make_shared<BenchNerfArgs>();
  auto* cmd = bench.add_subcommand("nerf", "Radiance fields side by side on a scene: test-view PSNR against wall time");
  cmd->add_option("scene", args->scene, "Scene: a transforms file or its folder")->required();
  cmd->add_option("--fields", args->fields, "Comma-separated named configs or .json files")->capture_default_str();
  cmd->add_option("--max-seconds", args->max_seconds, "Training time per field (evaluations excluded)")
      ->capture_default_str();
  cmd->add_option("--eval-seconds", args->eval_seconds, "Score the curve views every so many seconds of training")
      ->capture_default_str();
  cmd->add_option("--curve-views", args->curve_views, "Test views scored for the curve (all at the end)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--set", args->overrides, "Override a value of every config: path.to.key=JSON (repeatable)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  args->scene_args.add_to(*cmd);
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_bench_nerf(*args); });
}

}  // namespace nf::cli
