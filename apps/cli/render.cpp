// nf render DIR/snapshot.nf --out FILE [--width W --height H]
// SDF snapshots: sphere traced from an orbit camera [--azimuth --elevation --distance --fov --view].
#include <chrono>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "gpu_options.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "pipeline/image_experiment.hpp"
#include "pipeline/sdf_experiment.hpp"
#include "pipeline/radiance_experiment.hpp"
#include "render_scene.hpp"

namespace nf::cli {
namespace {

struct RenderArgs {
  std::string snapshot, out;
  int width = 0, height = 0;
  RadianceRenderArgs radiance;
  render::OrbitCamera camera;
  std::string view = "shaded";
  uint32_t iterations = 0;
  double fd_normals = 0;  // 0: analytic normals
  GpuOptions gpu;
};

void run_render_sdf(const RenderArgs& a, const Snapshot& snap) {
  render::OrbitCamera cam = a.camera;
  cam.width = a.width ? a.width : 512;
  cam.height = a.height ? a.height : 512;
  if (uint64_t(cam.width) * uint64_t(cam.height) > uint64_t(kMaxImagePixels))
    fail("render size ", cam.width, "x", cam.height, " is too large (at most ", kMaxImagePixels, " pixels)");
  cam.basis();  // checks the camera before the GPU starts
  render::TraceOptions options;
  options.view = render::parse_trace_view(a.view);
  if (a.iterations) options.iterations = a.iterations;
  options.normal_h = a.fd_normals;
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::SdfExperiment::from_snapshot(ctx, snap, a.snapshot);
  const auto t0 = std::chrono::steady_clock::now();
  const Image img = e->render(cam, options);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  write_image(a.out, img);
  std::printf("sphere traced %dx%d (%s, %u iterations) in %.0f ms -> %s\n", cam.width, cam.height, a.view.c_str(),
              options.iterations, ms, a.out.c_str());
}

void run_render(const RenderArgs& a) {
  const Snapshot snap = read_snapshot(a.snapshot);
  if (pipeline::is_sdf_snapshot(snap)) return run_render_sdf(a, snap);
  if (pipeline::is_radiance_snapshot(snap)) {
    RadianceRenderArgs r = a.radiance;
    r.snapshot = a.snapshot;
    r.out = a.out;
    r.width = a.width;
    r.height = a.height;
    r.view = a.view == "shaded" ? "rgb" : a.view;
    r.gpu = a.gpu;
    return run_render_radiance(r, snap);
  }
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
  auto* cmd = app.add_subcommand("render",
                                 "Render a snapshot to an image (.png, .jpg or .exr by extension); SDF snapshots are sphere "
                                 "traced, radiance snapshots volume rendered from a dataset camera, a camera file or an orbit");
  cmd->add_option("snapshot", args->snapshot, "snapshot.nf written by `nf fit`")->required();
  cmd->add_option("--out", args->out, "Output image (radiance --orbit: a folder)")->required();
  cmd->add_option("--width", args->width, "Width (default: the training image's; 512 for SDF)")->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--height", args->height, "Height (default: the training image's; 512 for SDF)")->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--azimuth", args->camera.azimuth_deg, "SDF: camera azimuth, degrees")->capture_default_str();
  cmd->add_option("--elevation", args->camera.elevation_deg, "SDF: camera elevation, degrees")->capture_default_str();
  cmd->add_option("--distance", args->camera.distance, "SDF: camera distance from the centre (normalised units)")
      ->capture_default_str();
  cmd->add_option("--fov", args->camera.fov_deg, "SDF: vertical field of view, degrees")->capture_default_str();
  cmd->add_option("--view", args->view, "SDF: shaded, normals, depth or steps; radiance: rgb, depth, opacity or samples")
      ->capture_default_str();
  cmd->add_option("--test-view", args->radiance.test_view, "Radiance: render test view K (default 0)");
  cmd->add_option("--train-view", args->radiance.train_view, "Radiance: render training view K");
  cmd->add_option("--camera", args->radiance.camera_file, "Radiance: render the camera of a transforms file's frame");
  cmd->add_option("--frame", args->radiance.frame, "Radiance: the frame of --camera (default 0)");
  cmd->add_option("--orbit", args->radiance.orbit,
                  "Radiance: N frames on a circle around the scene, written as --out/frame_NNN.png");
  cmd->add_option("--background", args->radiance.background, "Radiance: white, black or R,G,B (default: the snapshot's)");
  cmd->add_option("--fd-normals", args->fd_normals,
                  "SDF: normals by central differences with step H (normalised units, e.g. 2e-3) instead of the "
                  "analytic gradient; smooths hash-grid fields trained without the eikonal term")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--iterations", args->iterations, "SDF: sphere-tracing iterations (default 96)");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_render(*args); });
}

}  // namespace nf::cli
