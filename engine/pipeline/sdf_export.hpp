#pragma once
// A trained SDF field's zero level set as a mesh: the field is evaluated on a RES^3 grid over [-1, 1]^3 in
// z-slabs (at most ~4M points in flight, so 512^3 fits), then render/marching_cubes.hpp extracts the
// surface (case analysis on the GPU in slabs, welding and interpolation on the CPU). Returned in
// normalised units; to_mesh_units() maps it back to the file's.
#include "pipeline/sdf_experiment.hpp"
#include "render/marching_cubes.hpp"

namespace nf::pipeline {

// The field on the grid, x fastest (render::GridSpec{resolution}).
std::vector<float> sample_sdf_grid(SdfExperiment& experiment, uint32_t resolution);

render::IsoMesh extract_sdf_mesh(SdfExperiment& experiment, uint32_t resolution);

// Vertices through transform.to_mesh(); normals are unchanged (the map is a uniform scale + shift).
render::IsoMesh to_mesh_units(render::IsoMesh mesh, const data::MeshTransform& transform);

// The same triangles as a data::Mesh (for metrics).
data::Mesh as_mesh(const render::IsoMesh& mesh);

}  // namespace nf::pipeline
