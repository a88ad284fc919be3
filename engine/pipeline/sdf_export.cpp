#include "pipeline/sdf_export.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace nf::pipeline {

std::vector<float> sample_sdf_grid(SdfExperiment& e, uint32_t resolution) {
  if (resolution < 2 || resolution > 1024) fail("mesh export: resolution ", resolution, " is outside [2, 1024]");
  const render::GridSpec g{resolution};
  const uint64_t slab = uint64_t(resolution) * resolution;
  const uint32_t slabs_per_pass = uint32_t(std::max<uint64_t>(1, (1u << 22) / slab));
  std::vector<float> values(slab * resolution), xyz;
  for (uint32_t k0 = 0; k0 < resolution; k0 += slabs_per_pass) {
    const uint32_t k1 = std::min(resolution, k0 + slabs_per_pass);
    xyz.resize(3 * slab * (k1 - k0));
    size_t q = 0;
    for (uint32_t k = k0; k < k1; ++k)
      for (uint32_t j = 0; j < resolution; ++j)
        for (uint32_t i = 0; i < resolution; ++i) {
          const Vec3 p = g.point(i, j, k);
          xyz[q++] = float(p.x);
          xyz[q++] = float(p.y);
          xyz[q++] = float(p.z);
        }
    const auto v = e.evaluate(xyz);
    std::copy(v.begin(), v.end(), values.begin() + ptrdiff_t(slab * k0));
  }
  return values;
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
