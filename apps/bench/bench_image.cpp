// nf bench image: training throughput, render time, PSNR-vs-steps and hardware-independent figures for an
// image field, written as bench.json, curve.csv, curve.png and render.png.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "assets/bundled_files.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "gpu_options.hpp"
#include "io/atomic_file.hpp"
#include "io/image_io.hpp"
#include "output.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_fit.hpp"
#include "plot.hpp"
#include "profile_step.hpp"

namespace nf::cli {
namespace {

struct BenchArgs {
  std::string image;  // default: the bundled kodim01
  std::string field = "rbf";
  uint32_t steps = 200;
  uint32_t eval_every = 50;
  uint32_t seed = 0;
  std::string out = "bench-out";
  std::vector<std::string> overrides;
  bool quiet = false;
  GpuOptions gpu;
};

uint64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

void run_bench_image(BenchArgs a) {
  using Clock = std::chrono::steady_clock;
  if (a.image.empty()) a.image = assets::bundled_file("images/kodim01.png");
  auto config = pipeline::load_config(a.field);
  for (const auto& o : a.overrides) pipeline::apply_override(config.value, o);
  const Image target = pipeline::prepare_target(read_image(a.image), config.value);
  gpu::Context ctx(a.gpu.context_options());
  pipeline::ImageExperiment e(ctx, config.value, config.name, &target,
                              {a.image, target.width, target.height, target.channels}, a.seed, a.steps);
  OutputDir out(a.out);
  const uint64_t allocations_before = ctx.memory().allocations;
  if (!a.quiet)
    std::fprintf(stderr, "nf bench image: %s (%dx%d) '%s' on %s, %u steps of %u samples\n", a.image.c_str(),
                 target.width, target.height, config.name.c_str(), ctx.info().name.c_str(), e.total_steps(),
                 e.batch_size());

  pipeline::FitOptions options;
  options.eval_every = a.eval_every;
  if (!a.quiet) options.progress = print_progress;
  const auto result = pipeline::fit_image(e, target, options);
  const uint64_t allocations_after_training = ctx.memory().allocations;

  // Render time: median of 3 full-size renders (the first may include pipeline compilation).
  std::vector<double> render_ms;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    e.render(target.width, target.height);
    render_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(render_ms.begin(), render_ms.end());

  // One extra, profiled step: GPU time per command.
  const json kernels = profile_step(ctx, e);
  const auto counts = e.step_counts();
  const auto cost = e.field().training_cost();
  const double channels = target.channels, batch = e.batch_size();
  // Traffic outside the field: sampling (coords + targets written), loss (y, t read; d_y written).
  const double pipeline_bytes = 4.0 * (2 + channels) + 4.0 * 3 * channels + 4.0 * (2 + channels);
  const double min_bytes = 4.0 * channels;  // one target pixel read per sample, everything else fused
  const double samples_per_s = result.last.step * batch / result.train_seconds;

  json curve = json::array();
  std::string csv = "step,psnr\n";
  bench::Series series{config.name, {}};
  for (const auto& [s, p] : result.curve) {
    curve.push_back({s, p});
    csv += std::to_string(s) + "," + std::to_string(p) + "\n";
    series.points.emplace_back(s, p);
  }
  json report = {
      {"image", a.image},
      {"width", target.width},
      {"height", target.height},
      {"field", config.name},
      {"config", e.config()},
      {"device", ctx.info().name},
      {"driver", ctx.info().driver},
      {"steps", result.last.step},
      {"batch_size", e.batch_size()},
      {"train_seconds", result.train_seconds},
      {"steps_per_second", result.last.step / result.train_seconds},
      {"samples_per_second", samples_per_s},
      {"gpu_ms_per_step", result.last.gpu_ms},
      {"render_ms", render_ms[1]},
      {"psnr", result.psnr},
      {"ssim", result.ssim},
      {"curve", curve},
      {"params", e.field().parameter_count()},
      {"dispatches_per_step", counts.dispatches},
      {"barriers_per_step", counts.barriers},
      {"transfers_per_step", counts.transfers},
      {"submits_per_step", counts.submits},
      {"host_round_trips_per_step", 0},
      {"field_flops_per_sample", cost.flops},
      {"bytes_per_sample", cost.bytes + pipeline_bytes},
      {"min_bytes_per_sample", min_bytes},
      {"gflops", cost.flops * samples_per_s * 1e-9},
      {"kernel_ms", kernels},
      {"device_bytes_peak", ctx.memory().peak_bytes},
      {"device_allocations_during_training", allocations_after_training - allocations_before},
      {"host_peak_rss_bytes", peak_rss_bytes()},
  };
  write_json(out.path("bench.json"), report);
  write_file_atomically(out.path("curve.csv"), csv);
  write_image(out.path("curve.png"),
              bench::line_chart("PSNR vs steps: " + config.name + " on " + a.image.substr(a.image.rfind('/') + 1),
                                "step", "PSNR (dB)", {series}));
  write_image(out.path("render.png"), result.render);
  out.commit();

  std::printf("%s on %s\n", config.name.c_str(), ctx.info().name.c_str());
  std::printf("  training   %.3f s/step  %.2f steps/s  %.0f samples/s  (GPU %.1f ms/step)\n",
              result.train_seconds / result.last.step, result.last.step / result.train_seconds, samples_per_s,
              result.last.gpu_ms);
  std::printf("  quality    PSNR %.3f dB  SSIM %.4f after %u steps\n", result.psnr, result.ssim, result.last.step);
  std::printf("  render     %.1f ms for %dx%d\n", render_ms[1], target.width, target.height);
  std::printf("  per step   %u dispatches, %u barriers, %u submit, 0 host round trips\n", counts.dispatches,
              counts.barriers, counts.submits);
  std::printf("  per sample %.0f flops (field), %.0f bytes moved (minimum %.0f)\n", cost.flops,
              cost.bytes + pipeline_bytes, min_bytes);
  std::printf("  memory     device peak %.1f MiB, %llu allocations during training, host peak RSS %.1f MiB\n",
              double(ctx.memory().peak_bytes) / (1 << 20),
              static_cast<unsigned long long>(allocations_after_training - allocations_before),
              double(peak_rss_bytes()) / (1 << 20));
  for (const auto& [label, ms] : kernels.items()) std::printf("  kernel     %-26s %8.2f ms\n", label.c_str(), ms.get<double>());
  std::printf("  -> %s\n", a.out.c_str());
}

}  // namespace

void add_bench(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks (writes JSON, CSV and PNG)");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = bench->add_subcommand("image", "Training throughput, render time and PSNR-vs-steps for an image field");
  cmd->add_option("image", args->image, "Image (default: the bundled kodim01.png)");
  cmd->add_option("--field", args->field, "Named config or .json file")->capture_default_str();
  cmd->add_option("--steps", args->steps, "Training steps")->capture_default_str();
  cmd->add_option("--eval-every", args->eval_every, "Full-image PSNR every K steps")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--set", args->overrides, "Override a config value: path.to.key=JSON (repeatable)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_bench_image(*args); });
  add_bench_mlp(*bench);
  add_bench_nerf(*bench);
  add_bench_fresh(*bench);
}

}  // namespace nf::cli
