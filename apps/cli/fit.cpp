// nf fit <input> [--field NAME|FILE.json] [--steps N] [--out DIR] [--seed S] [--device I] [--eval-every K]
// An image input fits an image field; a mesh (.obj, .ply) fits an SDF (fit_mesh.cpp) [--export-mesh RES].
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "fit_mesh.hpp"
#include "fit_scene.hpp"
#include "fit_run.hpp"
#include "fresh_report.hpp"
#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "gpu_options.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "output.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_fit.hpp"

namespace nf::cli {
namespace {

void run_fit(FitArgs a) {
  const FitRun run(a);
  if (is_mesh_input(a.input)) {
    if (a.eval_every) fail("nf fit: --eval-every applies to images and scenes only");
    return run_fit_mesh(a, run);
  }
  if (a.export_resolution) fail("nf fit: --export-mesh applies to mesh inputs (.obj, .ply) only");
  if (is_scene_input(a.input)) return run_fit_scene(a, run);
  if (a.field.empty()) a.field = "rbf";
  // Everything that can be wrong with the inputs is checked before anything is created.
  auto config = pipeline::load_config(a.field);
  for (const auto& o : a.overrides) pipeline::apply_override(config.value, o);
  const Image target = pipeline::prepare_target(read_image(a.input), config.value);
  gpu::Context ctx(a.gpu.context_options());
  const auto fresh_options = pipeline::fresh_init_options(config.value, "config " + config.name);
  const auto fresh = run.resume() ? std::nullopt
                                  : pipeline::resolve_fresh_init(
                                        ctx, config.value, "config " + config.name, target,
                                        a.quiet || !fresh_options ? pipeline::FreshProgress{}
                                                                  : fresh_progress_printer("FreSh"));
  pipeline::ImageTargetInfo info{a.input, target.width, target.height, target.channels};
  std::optional<uint32_t> steps;
  if (a.steps) steps = a.steps;
  auto compiling = std::make_unique<SlowNotice>(kCompilingKernels, kCompiledKernels, !a.quiet);
  const auto made = run.resume()
                        ? pipeline::ImageExperiment::from_snapshot(ctx, *run.resume(), a.resume + "/snapshot.nf", &target)
                        : std::make_unique<pipeline::ImageExperiment>(ctx, config.value, config.name, &target, info,
                                                                      a.seed, steps);
  pipeline::ImageExperiment& experiment = *made;
  compiling.reset();
  OutputDir out(a.out);
  run.start(out);
  if (fresh) {
    if (!a.quiet) print_fresh_table(*fresh);
    write_fresh_outputs(out, *fresh);
  }

  if (!a.quiet)
    std::fprintf(stderr, "nf fit: %s (%dx%d, %d channels) with '%s' on %s: %u steps of %u samples, %llu parameters\n",
                 a.input.c_str(), target.width, target.height, target.channels, config.name.c_str(),
                 ctx.info().name.c_str(), experiment.total_steps(), experiment.batch_size(),
                 static_cast<unsigned long long>(experiment.field().parameter_count()));
  pipeline::FitOptions options;
  options.eval_every = a.eval_every;
  options.max_seconds = a.max_seconds;
  if (!a.quiet) options.progress = print_progress;
  run.configure(options, out, [&] { return experiment.snapshot(true); });
  const auto result = pipeline::fit_image(experiment, target, options);

  const int bits = image_file_bits(a.input);
  write_image(out.path("render.png"), result.render);
  if (bits == 32) write_image(out.path("render.exr"), result.render);
  write_image(out.path("error.png"), error_map(result.render, target, 0.1));
  write_snapshot(out.path("snapshot.nf"), experiment.snapshot(!a.no_optimizer_state || run.stopped()));

  const auto counts = experiment.step_counts();
  json metrics = {{"psnr", result.psnr},
                  {"ssim", result.ssim},
                  {"steps", result.last.step},
                  {"train_seconds", result.train_seconds},
                  {"steps_per_second", result.last.step / result.train_seconds},
                  {"samples_per_second", double(result.last.step) * experiment.batch_size() / result.train_seconds},
                  {"gpu_ms_per_step", result.last.gpu_ms},
                  {"batch_size", experiment.batch_size()},
                  {"final_loss", result.last.loss},
                  {"params", experiment.field().parameter_count()},
                  {"field", config.name},
                  {"config", experiment.config()},
                  {"device", ctx.info().name},
                  {"input", a.input},
                  {"width", target.width},
                  {"height", target.height},
                  {"channels", target.channels},
                  {"seed", a.seed},
                  {"dispatches_per_step", counts.dispatches},
                  {"submits_per_step", counts.submits},
                  {"peak_device_bytes", ctx.memory().peak_bytes},
                  {"eval_seconds", result.eval_seconds}};
  if (experiment.split().split()) {
    metrics["psnr_train"] = result.psnr_train;
    metrics["psnr_test"] = result.psnr_test;
    metrics["test_pixels"] = experiment.split().test.size();
  }
  if (fresh) metrics["fresh"] = {{"parameter", fresh->parameter}, {"selected", fresh->selected_value()}, {"seconds", fresh->seconds}};
  if (a.eval_every) {
    json curve = json::array();
    for (const auto& [s, p] : result.curve) curve.push_back({s, p});
    metrics["curve"] = curve;
  }
  write_json(out.path("metrics.json"), metrics);
  out.commit();
  std::printf("psnr %.3f dB  ssim %.4f  steps %u  train %.1f s  (%.0f samples/s)  -> %s\n", result.psnr, result.ssim,
              result.last.step, result.train_seconds, metrics["samples_per_second"].get<double>(), a.out.c_str());
  if (experiment.split().split())
    std::printf("held-out pixels (%zu): psnr %.3f dB; training pixels: psnr %.3f dB\n", experiment.split().test.size(),
                result.psnr_test, result.psnr_train);
  run.finish(result.last.step, experiment.total_steps());
}

}  // namespace

void add_fit(CLI::App& app) {
  auto args = std::make_shared<FitArgs>();
  auto* cmd = app.add_subcommand("fit",
                                 "Fit a field to an image (writes snapshot.nf, render.png, error.png, metrics.json), an SDF "
                                 "to a mesh (.obj/.ply: snapshot.nf, metrics.json, mesh.obj with --export-mesh) or a radiance "
                                 "field to posed photos (a transforms .json or its folder: snapshot.nf, metrics.json, test/)");
  cmd->add_option("input", args->input,
                  "Input image (PNG, JPEG, EXR, ...), mesh (OBJ, PLY) or scene (transforms_train.json / transforms.json, "
                  "or a folder holding one); not with --resume");
  cmd->add_option("--field", args->field, "Named config (" + [] {
    std::string s;
    for (const auto& n : pipeline::config_names()) s += (s.empty() ? "" : ", ") + n;
    return s;
  }() + ") or a .json file; default rbf for images, sdf-rbf for meshes, nerf-hashgrid for scenes");
  cmd->add_option("--steps", args->steps, "Training steps (default: the config's; schedules scale with it)");
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed (initialisation and sampling)")->capture_default_str();
  cmd->add_option("--eval-every", args->eval_every,
                  "Render and score the full image (scenes: the first 3 test views) every K steps (metrics.json curve)");
  cmd->add_option("--max-seconds", args->max_seconds, "Stop training after this many seconds (evaluations excluded)");
  cmd->add_option("--set", args->overrides, "Override a config value: path.to.key=JSON (repeatable), e.g. schedule.steps=15000");
  cmd->add_option("--export-mesh", args->export_resolution,
                  "Meshes: extract the zero level set on a RES^3 grid into DIR/mesh.obj (marching cubes)");
  cmd->add_flag("--no-optimizer-state", args->no_optimizer_state,
                "Leave the optimizer state out of the final snapshot (kept when a signal stops the run, to resume)");
  cmd->add_option("--snapshot-every", args->snapshot_every,
                  "Write DIR/snapshot.nf (with the optimizer state) every K steps, atomically, so that an interrupted run "
                  "can go on with --resume");
  cmd->add_option("--resume", args->resume,
                  "Continue the run whose outputs are in this folder from its snapshot.nf, with the arguments it was "
                  "started with (DIR/run.json); SIGINT / SIGTERM stop a run after its current step, with a snapshot");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  args->scene.add_to(*cmd);
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_fit(*args); });
}

}  // namespace nf::cli
