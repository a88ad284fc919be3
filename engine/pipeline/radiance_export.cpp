#include "pipeline/radiance_export.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace nf::pipeline {

render::IsoMesh extract_radiance_mesh(RadianceExperiment& e, uint32_t resolution, double threshold) {
  if (resolution < 2 || resolution > 1024) fail("mesh export: resolution ", resolution, " is outside [2, 1024]");
  if (!(threshold > 0)) fail("mesh export: the density threshold must be > 0");
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
          xyz[q++] = float(p.x), xyz[q++] = float(p.y), xyz[q++] = float(p.z);
        }
    const auto sigma = e.density(xyz);
    for (size_t v = 0; v < sigma.size(); ++v) values[slab * k0 + v] = float(threshold) - sigma[v];
  }
  render::GpuIsosurface iso(e.context());
  gpu::Stream stream(e.context(), 1);
  render::IsoMesh mesh = iso.extract(stream, values, g);
  const data::SceneBox& box = e.scene().box;
  for (auto& v : mesh.vertices) v = box.to_world(box.from_field(v));
  return mesh;
}

}  // namespace nf::pipeline
