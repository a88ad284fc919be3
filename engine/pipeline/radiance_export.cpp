#include "pipeline/radiance_export.hpp"

#include "core/error.hpp"

namespace nf::pipeline {

render::IsoMesh extract_radiance_mesh(RadianceExperiment& e, uint32_t resolution, double threshold) {
  if (resolution < 2 || resolution > 1024) fail("mesh export: resolution ", resolution, " is outside [2, 1024]");
  if (!(threshold > 0)) fail("mesh export: the density threshold must be > 0");
  const render::GridSpec g{resolution};
  const auto values = render::sample_grid(g, [&](std::span<const float> xyz) {
    auto sigma = e.density(xyz);
    for (float& v : sigma) v = float(threshold) - v;
    return sigma;
  });
  render::GpuIsosurface iso(e.context());
  gpu::Stream stream(e.context(), 1);
  render::IsoMesh mesh = iso.extract(stream, values, g);
  const data::SceneBox& box = e.scene().box;
  for (auto& v : mesh.vertices) v = box.to_world(box.from_field(v));
  return mesh;
}

}  // namespace nf::pipeline
