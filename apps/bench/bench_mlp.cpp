// nf bench mlp: training throughput of the MLP alone (forward, L2 loss, backward, Adam) on random data,
// for a given width, depth and kernel path; samples/s and FLOP/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/profiler.hpp"
#include "gpu/stream.hpp"
#include "gpu_options.hpp"
#include "nn/losses/loss.hpp"
#include "nn/networks/mlp.hpp"
#include "nn/optimizers/adam.hpp"
#include "output.hpp"

namespace nf::cli {
namespace {

struct MlpArgs {
  uint32_t width = 64, hidden_layers = 2, inputs = 32, outputs = 3, batch = 1u << 16, steps = 20;
  std::string path = "auto";
  std::string out;
  bool profile = false;
  GpuOptions gpu;
};

void run_bench_mlp(const MlpArgs& a) {
  gpu::Context ctx(a.gpu.context_options());
  nn::MlpConfig cfg;
  cfg.width = a.width;
  cfg.hidden_layers = a.hidden_layers;
  cfg.path = a.path;
  nn::Mlp mlp(ctx, a.inputs, a.outputs, cfg);
  nn::ParameterStore store(ctx, mlp.parameter_blocks());
  mlp.bind(store, 0);
  const uint32_t cap = (a.batch + 63) / 64 * 64;
  mlp.reserve(ctx, cap);
  {
    Pcg32 rng(1);
    std::vector<float> values(store.size(), 0.0f);
    std::vector<std::span<float>> spans;
    for (const auto& b : store.blocks()) spans.emplace_back(values.data() + b.offset, b.block.count);
    mlp.initialize(spans, rng);
    store.upload(values);
  }
  nn::BatchBuffer x(ctx, a.inputs, cap, "x"), t(ctx, a.outputs, cap, "t"), y(ctx, a.outputs, cap, "y"),
      dy(ctx, a.outputs, cap, "dy");
  {
    Pcg32 rng(2);
    std::vector<float> v(size_t(a.inputs) * cap);
    for (auto& f : v) f = float(rng.uniform(-1, 1));
    x.buffer.upload(std::span<const float>(v));
    std::vector<float> w(size_t(a.outputs) * cap);
    for (auto& f : w) f = float(rng.uniform());
    t.buffer.upload(std::span<const float>(w));
  }
  nn::Loss loss(ctx, nn::LossKind::L2, a.outputs, a.batch);
  nn::Adam adam(ctx, store, nn::AdamConfig{1e-3f, 0.9f, 0.999f, 1e-8f, {}});
  gpu::Stream stream(ctx);
  auto step = [&](uint32_t s, gpu::Profiler* profiler = nullptr) {
    auto& cmd = stream.begin();
    cmd.set_profiler(profiler);
    cmd.fill(store.gradients(), 0);
    mlp.forward(cmd, x.view(), y.view(), a.batch);
    loss.evaluate(cmd, y.view(), t.view(), dy.view(), a.batch);
    mlp.backward(cmd, x.view(), dy.view(), nn::BatchView{}, a.batch);
    adam.step(cmd, s, 1.0f);
    stream.submit();
  };
  step(1);  // warm-up (pipeline compilation)
  stream.wait();
  const auto t0 = std::chrono::steady_clock::now();
  for (uint32_t s = 0; s < a.steps; ++s) step(s + 2);
  stream.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double weights = 0;
  for (uint32_t l = 0; l < cfg.layers(); ++l) weights += double(cfg.in_dims(l, a.inputs)) * cfg.out_dims(l, a.outputs);
  const double samples = double(a.steps) * a.batch / seconds;
  const double gflops = samples * 6 * weights * 1e-9;  // 2 forward + 4 backward flops per weight and sample
  std::printf("mlp %ux%u (%u in, %u out) %s path on %s: %.4f s/step, %.0f samples/s, %.2f GFLOP/s, loss %.5f\n",
              a.hidden_layers, a.width, a.inputs, a.outputs, mlp.fused() ? "fused" : "per-layer", ctx.info().name.c_str(),
              seconds / a.steps, samples, gflops, loss.value(loss.readout(a.batch)));
  if (a.profile && ctx.features().timestamps) {  // extra steps: GPU time per kernel, median over them
    constexpr uint32_t kProfiled = 5;
    std::map<std::string, std::vector<double>> times;
    for (uint32_t r = 0; r < kProfiled; ++r) {
      gpu::Profiler profiler(ctx);
      step(a.steps + 2 + r, &profiler);
      stream.wait();
      for (const auto& [label, ms] : profiler.results()) times[label].push_back(ms);
    }
    std::printf("  GPU time per kernel and step, median (min-max) of %u profiled steps:\n", kProfiled);
    for (auto& [label, ms] : times) {
      std::sort(ms.begin(), ms.end());
      std::printf("  %-40s %8.2f ms (%.2f-%.2f)\n", label.c_str(), ms[ms.size() / 2], ms.front(), ms.back());
    }
  }
  if (!a.out.empty())
    write_json(a.out, {{"width", a.width},
                       {"hidden_layers", a.hidden_layers},
                       {"inputs", a.inputs},
                       {"outputs", a.outputs},
                       {"batch", a.batch},
                       {"path", mlp.fused() ? "fused" : "layers"},
                       {"device", ctx.info().name},
                       {"seconds_per_step", seconds / a.steps},
                       {"samples_per_second", samples},
                       {"gflops", gflops}});
}

}  // namespace

void add_bench_mlp(CLI::App& bench) {
  auto args = std::make_shared<MlpArgs>();
  auto* cmd = bench.add_subcommand("mlp", "MLP training throughput on random data (forward, L2, backward, Adam)");
  cmd->add_option("--width", args->width, "Hidden width")->capture_default_str();
  cmd->add_option("--layers", args->hidden_layers, "Hidden layers")->capture_default_str();
  cmd->add_option("--inputs", args->inputs, "Input features")->capture_default_str();
  cmd->add_option("--outputs", args->outputs, "Outputs")->capture_default_str();
  cmd->add_option("--batch", args->batch, "Samples per step")->capture_default_str();
  cmd->add_option("--steps", args->steps, "Timed steps")->capture_default_str();
  cmd->add_option("--path", args->path, "auto, fused or layers")->capture_default_str();
  cmd->add_option("--out", args->out, "Write the figures as JSON here");
  cmd->add_flag("--profile", args->profile, "Print the GPU time per kernel (median of 5 extra steps)");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_bench_mlp(*args); });
}

}  // namespace nf::cli
