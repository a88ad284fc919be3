#include "pipeline/sdf_export.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace nf::pipeline {

std::vector<float> sample_sdf_grid(SdfExperiment& e, uint32_t resolution) {
  if (resolution < 2 || resolution > 1024) fail("mesh export: resolution ", resolution, " is outside [2, 1024]");
  return render::sample_grid(render::GridSpec{resolution}, [&](std::span<const float> xyz) { return e.evaluate(xyz); });
}

render::IsoMesh extract_sdf_mesh(SdfExperiment& e, uint32_t resolution) {
  const auto values = sample_sdf_grid(e, resolution);
  render::GpuIsosurface iso(e.context());
  gpu::Stream stream(e.context(), 1);
  return iso.extract(stream, values, render::GridSpec{resolution});
}

render::IsoMesh to_mesh_units(render::IsoMesh mesh, const data::MeshTransform& transform) {
  for (auto& v : mesh.vertices) v = transform.to_mesh(v);
  return mesh;
}

data::Mesh as_mesh(const render::IsoMesh& mesh) { return {mesh.vertices, mesh.triangles}; }

}  // namespace nf::pipeline
