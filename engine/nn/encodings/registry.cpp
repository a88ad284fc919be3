// Built-in encodings: one line per type.
#include "nn/encodings/dif_grid.hpp"
#include "nn/encodings/encoding.hpp"

namespace nf::nn {
namespace {

std::unique_ptr<Module> make_dif_grid(ConfigReader& c, gpu::Context& ctx, uint32_t dims) {
  DifGridConfig g;
  g.resolutions = c.get<std::vector<uint32_t>>("resolutions", g.resolutions);
  g.channels = c.get<std::vector<uint32_t>>("channels", g.channels);
  g.init_std = c.get<double>("init_std", g.init_std);
  if (g.resolutions.empty() || g.resolutions.size() != g.channels.size())
    fail(c.where(), ": resolutions and channels must be non-empty lists of the same length");
  for (size_t l = 0; l < g.resolutions.size(); ++l) {
    if (g.resolutions[l] < 2 || g.resolutions[l] > 4096) fail(c.where(), ": resolutions must be in [2, 4096]");
    if (g.channels[l] < 1 || g.channels[l] > 16) fail(c.where(), ": channels must be in [1, 16]");
  }
  if (dims != 2 && dims != 3) fail(c.where(), ": the DiF-grid encodes 2D or 3D inputs, not ", dims, "D");
  if (g.parameters(dims) > (1ull << 28)) fail(c.where(), ": the grid would hold ", g.parameters(dims), " values (limit 2^28)");
  if (!(g.init_std >= 0)) fail(c.where(), ": init_std must be >= 0");
  return std::make_unique<DifGrid>(ctx, dims, g);
}

}  // namespace

const EncodingRegistry& encodings() {
  static const EncodingRegistry r = EncodingRegistry("encoding").add("dif_grid", make_dif_grid);
  return r;
}

}  // namespace nf::nn
