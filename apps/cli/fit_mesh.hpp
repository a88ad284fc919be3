#pragma once
// `nf fit` on a mesh (.obj / .ply): trains an SDF field, writes snapshot.nf (config + parameters + the
// mesh's MeshTransform), metrics.json and, with --export-mesh RES, mesh.obj.
#include <string>

#include "fit_args.hpp"
#include "fit_run.hpp"

namespace nf::cli {

// Is `path` a mesh `nf fit` trains an SDF on (by extension, case-insensitive)?
bool is_mesh_input(const std::string& path);

void run_fit_mesh(const FitArgs& args, const FitRun& run);

}  // namespace nf::cli
