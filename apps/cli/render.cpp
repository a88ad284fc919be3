// nf render DIR/snapshot.nf --out FILE [--width W --height H]
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "gpu_options.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "pipeline/image_experiment.hpp"

namespace nf::cli {
namespace {

struct RenderArgs {
  std::string snapshot, out;
  int width = 0, height = 0;
  GpuOptions gpu;
};

void run_render(const RenderArgs& a) {
  const Snapshot snap = read_snapshot(a.snapshot);
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::ImageExperiment::from_snapshot(ctx, snap, a.snapshot, nullptr);
  const int w = a.width ? a.width : e->target_info().width;
  const int h = a.height ? a.height : e->target_info().height;
  if (uint64_t(w) * uint64_t(h) > uint64_t(kMaxImagePixels))
    fail("render size ", w, "x", h, " is too large (at most ", kMaxImagePixels, " pixels)");
  write_image(a.out, e->render(w, h));
  std::printf("rendered %dx%d -> %s\n", w, h, a.out.c_str());
}

}  // namespace

void add_render(CLI::App& app) {
  auto args = std::make_shared<RenderArgs>();
  auto* cmd = app.add_subcommand("render", "Render a snapshot to an image (.png, .jpg or .exr by extension)");
  cmd->add_option("snapshot", args->snapshot, "snapshot.nf written by `nf fit`")->required();
  cmd->add_option("--out", args->out, "Output image")->required();
  cmd->add_option("--width", args->width, "Width (default: the training image's)")->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--height", args->height, "Height (default: the training image's)")->check(CLI::Range(1, 1 << 16));
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_render(*args); });
}

}  // namespace nf::cli
