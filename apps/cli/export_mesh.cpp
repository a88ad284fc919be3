// nf export-mesh DIR/snapshot.nf --resolution R --out mesh.obj|mesh.ply
#include <cctype>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "gpu_options.hpp"
#include "io/snapshot.hpp"
#include "pipeline/radiance_export.hpp"
#include "pipeline/sdf_export.hpp"

namespace nf::cli {
namespace {

struct ExportArgs {
  std::string snapshot, out;
  uint32_t resolution = 256;
  double threshold = pipeline::kDefaultDensityThreshold;
  GpuOptions gpu;
};

// Radiance snapshots: the surface where the density crosses the threshold, in the transforms file's units.
void run_export_radiance(const ExportArgs& a, const Snapshot& snap) {
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::RadianceExperiment::from_snapshot(ctx, snap, a.snapshot, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  auto mesh = pipeline::extract_radiance_mesh(*e, a.resolution, a.threshold);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (mesh.triangles.empty())
    fail("snapshot ", a.snapshot, ": the density never crosses ", a.threshold, " on the ", a.resolution,
         "^3 grid (nothing to export; try a lower --threshold)");
  render::write_iso_mesh(a.out, mesh);
  std::printf("%zu vertices, %zu triangles (density %g) at %u^3 in %.2f s -> %s\n", mesh.vertices.size(),
              mesh.triangles.size(), a.threshold, a.resolution, seconds, a.out.c_str());
}

void run_export(const ExportArgs& a) {
  std::string ext = std::filesystem::path(a.out).extension().string();
  for (auto& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".obj" && ext != ".ply") fail("mesh ", a.out, ": unknown format '", ext, "' (write .obj or .ply)");
  const Snapshot snap = read_snapshot(a.snapshot);
  if (pipeline::is_radiance_snapshot(snap)) return run_export_radiance(a, snap);
  if (!pipeline::is_sdf_snapshot(snap))
    fail("snapshot ", a.snapshot, ": not an SDF or radiance snapshot (nf fit on a mesh or a scene writes one)");
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::SdfExperiment::from_snapshot(ctx, snap, a.snapshot);
  const auto t0 = std::chrono::steady_clock::now();
  auto mesh = pipeline::extract_sdf_mesh(*e, a.resolution);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const size_t vertices = mesh.vertices.size(), triangles = mesh.triangles.size();
  if (!triangles) fail("snapshot ", a.snapshot, ": the field has no zero crossing on the ", a.resolution, "^3 grid (nothing to export)");
  render::write_iso_mesh(a.out, pipeline::to_mesh_units(std::move(mesh), e->target_info().transform));
  std::printf("%zu vertices, %zu triangles at %u^3 in %.2f s -> %s\n", vertices, triangles, a.resolution, seconds,
              a.out.c_str());
}

}  // namespace

void add_export_mesh(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export-mesh",
                                 "Extract an SDF snapshot's zero level set (in the input mesh's units) or a radiance "
                                 "snapshot's density level set (in the transforms file's units) as a mesh (OBJ or PLY)");
  cmd->add_option("snapshot", args->snapshot, "snapshot.nf written by `nf fit` on a mesh or a scene")->required();
  cmd->add_option("--threshold", args->threshold, "Radiance: the density of the surface")->capture_default_str();
  cmd->add_option("--resolution", args->resolution, "Grid points per axis")->capture_default_str()->check(CLI::Range(2, 1024));
  cmd->add_option("--out", args->out, "Output mesh (.obj or .ply)")->required();
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_export(*args); });
}

}  // namespace nf::cli
