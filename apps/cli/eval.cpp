// nf eval DIR/snapshot.nf --reference FILE [--out metrics.json]
#include <cmath>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "gpu_options.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "output.hpp"
#include "pipeline/image_experiment.hpp"

namespace nf::cli {
namespace {

struct EvalArgs {
  std::string snapshot, reference, out;
  GpuOptions gpu;
};

void run_eval(const EvalArgs& a) {
  const Snapshot snap = read_snapshot(a.snapshot);
  const Image reference = pipeline::prepare_target(read_image(a.reference), snap.description.value("config", json::object()));
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::ImageExperiment::from_snapshot(ctx, snap, a.snapshot, nullptr);
  if (reference.channels != e->target_info().channels)
    fail("reference ", a.reference, ": ", reference.channels, " channels, the field outputs ",
         e->target_info().channels);
  const Image rendered = scored_prediction(e->render(reference.width, reference.height), reference);
  const double p = psnr(rendered, reference);
  const double s = reference.width >= 11 && reference.height >= 11 ? ssim(rendered, reference) : std::nan("");
  std::printf("psnr %.3f dB  ssim %.4f  (%s vs %s, %dx%d)\n", p, s, a.snapshot.c_str(), a.reference.c_str(),
              reference.width, reference.height);
  if (!a.out.empty())
    write_json(a.out, {{"psnr", p},
                       {"ssim", s},
                       {"snapshot", a.snapshot},
                       {"reference", a.reference},
                       {"width", reference.width},
                       {"height", reference.height},
                       {"device", ctx.info().name}});
}

}  // namespace

void add_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand("eval", "Score a snapshot against a reference image (PSNR, SSIM)");
  cmd->add_option("snapshot", args->snapshot, "snapshot.nf written by `nf fit`")->required();
  cmd->add_option("--reference", args->reference, "Reference image (rendered at its size)")->required();
  cmd->add_option("--out", args->out, "Write the metrics as JSON here");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace nf::cli
