#include "fit_mesh.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "data/mesh.hpp"
#include "data/mesh_sdf.hpp"
#include "io/snapshot.hpp"
#include "fresh_report.hpp"
#include "output.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/fresh_signals.hpp"
#include "pipeline/sdf_export.hpp"
#include "pipeline/sdf_fit.hpp"
#include "pipeline/sdf_metrics.hpp"

namespace nf::cli {

// Points of the IoU in metrics.json.
constexpr uint32_t kIouPoints = 1u << 18;

bool is_mesh_input(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".obj" || ext == ".ply";
}

void run_fit_mesh(const FitArgs& a, const FitRun& run) {
  using Clock = std::chrono::steady_clock;
  auto config = pipeline::load_config(a.field.empty() ? "sdf-rbf" : a.field);
  for (const auto& o : a.overrides) pipeline::apply_override(config.value, o);
  const auto loaded = data::load_mesh(a.input);
  const auto t_pool = Clock::now();
  const data::MeshSdf truth(loaded.mesh);
  gpu::Context ctx(a.gpu.context_options());
  const std::string where = "config " + config.name;
  const auto fresh = run.resume() ? std::nullopt
                                  : pipeline::resolve_fresh_init(config.value, where, [&](const pipeline::FreshOptions& o) {
                                      return pipeline::fresh_select_sdf(
                                          ctx, config.value, where, pipeline::fresh_sdf_target(truth, o.bins), o,
                                          a.quiet ? pipeline::FreshProgress{} : fresh_progress_printer("FreSh"));
                                    });
  std::optional<uint32_t> steps;
  if (a.steps) steps = a.steps;
  auto preparing = std::make_unique<SlowNotice>(
      "computing the SDF sample pool and compiling GPU kernels (kernels: first run only) ...",
      "computed the SDF sample pool and compiled GPU kernels (kernels: first run only)", !a.quiet);
  const auto made = run.resume() ? pipeline::SdfExperiment::from_snapshot(ctx, *run.resume(), a.resume + "/snapshot.nf", &truth)
                                 : std::make_unique<pipeline::SdfExperiment>(ctx, config.value, config.name, &truth,
                                                                             pipeline::SdfTargetInfo{a.input, loaded.transform},
                                                                             a.seed, steps);
  pipeline::SdfExperiment& experiment = *made;
  preparing.reset();
  const double pool_seconds =
      std::chrono::duration<double>(Clock::now() - t_pool).count() - (fresh ? fresh->seconds : 0.0);
  OutputDir out(a.out);
  run.start(out);
  if (fresh) {
    if (!a.quiet) print_fresh_table(*fresh);
    write_fresh_outputs(out, *fresh);
  }
  if (!a.quiet)
    std::fprintf(stderr,
                 "nf fit: %s (%llu triangles%s) with '%s' on %s: %u steps of %u points from a pool of %u (%.1f s), "
                 "%llu parameters\n",
                 a.input.c_str(), static_cast<unsigned long long>(loaded.report.triangles),
                 loaded.report.closed() ? ", closed" : ", open", config.name.c_str(), ctx.info().name.c_str(),
                 experiment.total_steps(), experiment.batch_size(), experiment.pool_size(), pool_seconds,
                 static_cast<unsigned long long>(experiment.field().parameter_count()));
  pipeline::FitOptions options;
  options.max_seconds = a.max_seconds;
  if (!a.quiet) options.progress = print_progress;
  run.configure(options, out, [&] { return experiment.snapshot(true); });
  const auto result = pipeline::fit_sdf(experiment, options);

  const auto t_eval = Clock::now();
  const double iou = pipeline::sdf_iou(experiment, truth, kIouPoints, uint64_t(a.seed) + 12345);
  double eval_seconds = std::chrono::duration<double>(Clock::now() - t_eval).count();
  json chamfer = nullptr;
  double export_seconds = 0;
  std::optional<render::IsoMesh> exported;
  if (a.export_resolution) {
    const auto t_export = Clock::now();
    exported = pipeline::extract_sdf_mesh(experiment, a.export_resolution);
    export_seconds = std::chrono::duration<double>(Clock::now() - t_export).count();
    const auto t_chamfer = Clock::now();
    if (!exported->triangles.empty())
      chamfer = pipeline::chamfer_l1(pipeline::as_mesh(*exported), loaded.mesh, 1u << 16, uint64_t(a.seed) + 777);
    eval_seconds += std::chrono::duration<double>(Clock::now() - t_chamfer).count();
  }
  write_snapshot(out.path("snapshot.nf"), experiment.snapshot(!a.no_optimizer_state || run.stopped()));

  const auto counts = experiment.step_counts();
  json metrics = {{"iou", iou},
                  {"chamfer", chamfer},
                  {"iou_points", kIouPoints},
                  {"steps", result.last.step},
                  {"train_seconds", result.train_seconds},
                  {"steps_per_second", result.last.step / result.train_seconds},
                  {"samples_per_second", double(result.last.step) * experiment.batch_size() / result.train_seconds},
                  {"gpu_ms_per_step", result.last.gpu_ms},
                  {"batch_size", experiment.batch_size()},
                  {"pool_size", experiment.pool_size()},
                  {"pool_seconds", pool_seconds},
                  {"final_loss", result.last.loss},
                  {"params", experiment.field().parameter_count()},
                  {"field", config.name},
                  {"config", experiment.config()},
                  {"device", ctx.info().name},
                  {"input", a.input},
                  {"triangles", loaded.report.triangles},
                  {"seed", a.seed},
                  {"dispatches_per_step", counts.dispatches},
                  {"submits_per_step", counts.submits},
                  {"peak_device_bytes", ctx.memory().peak_bytes},
                  {"eval_seconds", eval_seconds}};
  if (fresh) metrics["fresh"] = {{"parameter", fresh->parameter}, {"selected", fresh->selected_value()}, {"seconds", fresh->seconds}};
  if (exported) {
    metrics["export_resolution"] = a.export_resolution;
    metrics["export_seconds"] = export_seconds;
    metrics["export_triangles"] = exported->triangles.size();
    render::write_iso_mesh(out.path("mesh.obj"), pipeline::to_mesh_units(std::move(*exported), loaded.transform));
  }
  write_json(out.path("metrics.json"), metrics);
  out.commit();
  if (chamfer.is_number()) std::printf("chamfer %.5f (of the bounding-box diagonal)  ", chamfer.get<double>());
  std::printf("iou %.4f  steps %u  train %.1f s  (%.0f samples/s)  -> %s\n", iou, result.last.step,
              result.train_seconds, metrics["samples_per_second"].get<double>(), a.out.c_str());
  run.finish(result.last.step, experiment.total_steps());
}

}  // namespace nf::cli
