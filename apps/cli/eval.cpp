// nf eval DIR/snapshot.nf --reference FILE [--out metrics.json]
// Image snapshots: PSNR/SSIM against an image. SDF snapshots: IoU against a mesh (and Chamfer with --resolution).
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
#include "data/mesh_sdf.hpp"
#include "pipeline/image_experiment.hpp"
#include "pipeline/radiance_experiment.hpp"
#include "pipeline/sdf_export.hpp"
#include "pipeline/sdf_metrics.hpp"
#include "render_scene.hpp"

namespace nf::cli {
namespace {

struct EvalArgs {
  std::string snapshot, reference, out, renders;
  uint32_t resolution = 128, points = 1u << 18;
  int downscale = 1;
  GpuOptions gpu;
};

// IoU on random points, and Chamfer-L1 of the exported mesh (RES^3) against the reference, whose vertices
// are mapped with the snapshot's own transform (so a mesh in the training file's units lines up).
void run_eval_sdf(const EvalArgs& a, const Snapshot& snap) {
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::SdfExperiment::from_snapshot(ctx, snap, a.snapshot);
  data::Mesh reference = data::read_mesh_file(a.reference);
  if (reference.triangles.empty()) fail("reference ", a.reference, ": no triangles");
  for (auto& v : reference.vertices) v = e->target_info().transform.to_normalized(v);
  const data::MeshSdf truth(reference);
  const double iou = pipeline::sdf_iou(*e, truth, a.points, 4242);
  const auto mesh = pipeline::extract_sdf_mesh(*e, a.resolution);
  json chamfer = nullptr;
  if (!mesh.triangles.empty()) chamfer = pipeline::chamfer_l1(pipeline::as_mesh(mesh), reference, 1u << 16, 4343);
  std::printf("iou %.4f  chamfer %s (of the bounding-box diagonal, %u^3)  (%s vs %s)\n", iou,
              chamfer.is_number() ? std::to_string(chamfer.get<double>()).c_str() : "n/a (empty mesh)", a.resolution,
              a.snapshot.c_str(), a.reference.c_str());
  if (!a.out.empty())
    write_json(a.out, {{"iou", iou},
                       {"chamfer", chamfer},
                       {"iou_points", a.points},
                       {"resolution", a.resolution},
                       {"snapshot", a.snapshot},
                       {"reference", a.reference},
                       {"device", ctx.info().name}});
}

void run_eval(const EvalArgs& a) {
  const Snapshot snap = read_snapshot(a.snapshot);
  if (pipeline::is_sdf_snapshot(snap)) return run_eval_sdf(a, snap);
  if (pipeline::is_radiance_snapshot(snap)) {
    RadianceEvalArgs r;
    r.snapshot = a.snapshot;
    r.reference = a.reference;
    r.out = a.out;
    r.renders = a.renders;
    r.downscale = a.downscale;
    r.gpu = a.gpu;
    return run_eval_radiance(r, snap);
  }
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
  auto* cmd = app.add_subcommand(
      "eval", "Score a snapshot against a reference image (PSNR, SSIM), mesh (IoU, Chamfer) or posed views (PSNR, SSIM)");
  cmd->add_option("snapshot", args->snapshot, "snapshot.nf written by `nf fit`")->required();
  cmd->add_option("--reference", args->reference,
                  "Reference image (rendered at its size), mesh (.obj/.ply) or, for radiance snapshots, a transforms "
                  "file whose every frame is scored (e.g. transforms_test.json)")
      ->required();
  cmd->add_option("--downscale", args->downscale, "Radiance snapshots: load the reference views reduced by F")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--renders", args->renders, "Radiance snapshots: write each view's render and error map here");
  cmd->add_option("--out", args->out, "Write the metrics as JSON here");
  cmd->add_option("--resolution", args->resolution, "SDF snapshots: marching-cubes grid for Chamfer")
      ->capture_default_str()
      ->check(CLI::Range(2, 1024));
  cmd->add_option("--points", args->points, "SDF snapshots: random points for IoU")->capture_default_str();
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace nf::cli
