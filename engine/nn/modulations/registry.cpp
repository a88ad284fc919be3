// Built-in modulations: one line per type.
#include "nn/modulations/cam.hpp"
#include "nn/modulations/modulation.hpp"

namespace nf::nn {
namespace {

std::unique_ptr<Module> make_cam(ConfigReader& c, gpu::Context& ctx, uint32_t dims, uint32_t out) {
  CamConfig m;
  if (dims < 1 || dims > 3) fail(c.where(), ": CAM grids cover 1 to 3 coordinate dimensions, not ", dims);
  if (c.has("resolution") && c.value()["resolution"].is_array()) {
    const auto r = c.required<std::vector<uint32_t>>("resolution");
    if (r.size() != dims) fail(c.where(), ": resolution lists ", r.size(), " axes for ", dims, "-D coordinates");
    for (size_t a = 0; a < r.size(); ++a) m.resolution.axis[a] = r[a];
  } else {
    m.resolution = c.get<uint32_t>("resolution", 32);
  }
  m.lr_scale = c.get<double>("lr_scale", m.lr_scale);
  for (uint32_t a = 0; a < dims; ++a)
    if (m.resolution.axis[a] < 2 || m.resolution.axis[a] > 1024) fail(c.where(), ": resolution must be in [2, 1024]");
  if (!(m.lr_scale > 0)) fail(c.where(), ": lr_scale must be > 0");
  return std::make_unique<CamGrids>(ctx, dims, out, m);
}

}  // namespace

const ModulationRegistry& modulations() {
  static const ModulationRegistry r = ModulationRegistry("modulation").add("cam", make_cam);
  return r;
}

}  // namespace nf::nn
