#pragma once
// `nf fit` on a mesh (.obj / .ply): trains an SDF field, writes snapshot.nf (config + parameters + the
// mesh's MeshTransform), metrics.json and, with --export-mesh RES, mesh.obj.
#include <string>
#include <vector>

#include "gpu_options.hpp"

namespace nf::cli {

struct MeshFitArgs {
  std::string input, field, out;
  uint32_t steps = 0, seed = 0;
  uint32_t export_resolution = 0;  // 0 = no mesh export
  uint32_t iou_points = 1u << 18;
  bool no_optimizer_state = false, quiet = false;
  std::vector<std::string> overrides;
  GpuOptions gpu;
};

// Is `path` a mesh `nf fit` trains an SDF on (by extension, case-insensitive)?
bool is_mesh_input(const std::string& path);

void run_fit_mesh(const MeshFitArgs& args);

}  // namespace nf::cli
