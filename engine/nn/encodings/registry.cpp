// Built-in encodings: one line per type.
#include <cmath>

#include "nn/encodings/dif_grid.hpp"
#include "nn/encodings/encoding.hpp"
#include "nn/encodings/fourier.hpp"
#include "nn/encodings/frequency.hpp"
#include "nn/encodings/hashgrid.hpp"
#include "nn/encodings/identity.hpp"

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

std::unique_ptr<Module> make_fourier(ConfigReader& c, gpu::Context& ctx, uint32_t dims) {
  FourierConfig f;
  f.frequencies = c.get<uint32_t>("frequencies", f.frequencies);
  f.sigma = c.get<double>("sigma", f.sigma);
  if (f.frequencies < 1 || f.frequencies > 2048) fail(c.where(), ": frequencies must be in [1, 2048]");
  if (!(f.sigma > 0)) fail(c.where(), ": sigma must be > 0");
  if (dims < 1 || dims > 4) fail(c.where(), ": Fourier features take 1 to 4 input dimensions, not ", dims);
  return std::make_unique<FourierFeatures>(ctx, dims, f);
}

std::unique_ptr<Module> make_frequency(ConfigReader& c, gpu::Context& ctx, uint32_t dims) {
  FrequencyConfig f;
  f.octaves = c.get<uint32_t>("octaves", f.octaves);
  f.include_input = c.get<bool>("include_input", f.include_input);
  if (f.octaves > 24) fail(c.where(), ": octaves must be <= 24");
  if (dims < 1 || dims > 4) fail(c.where(), ": the frequency encoding takes 1 to 4 input dimensions, not ", dims);
  return std::make_unique<FrequencyEncoding>(ctx, dims, f);
}

std::unique_ptr<Module> make_hashgrid(ConfigReader& c, gpu::Context& ctx, uint32_t dims) {
  HashGridConfig h;
  h.levels = c.get<uint32_t>("levels", h.levels);
  h.features_per_level = c.get<uint32_t>("features_per_level", h.features_per_level);
  h.log2_table_size = c.get<uint32_t>("log2_table_size", h.log2_table_size);
  h.base_resolution = c.get<uint32_t>("base_resolution", h.base_resolution);
  if (c.has("per_level_scale") && c.has("finest_resolution"))
    fail(c.where(), ": give per_level_scale or finest_resolution, not both");
  h.per_level_scale = c.get<double>("per_level_scale", h.per_level_scale);
  if (c.has("finest_resolution")) {
    const double finest = c.required<double>("finest_resolution");
    if (!(finest >= h.base_resolution)) fail(c.where(), ": finest_resolution must be >= base_resolution");
    h.per_level_scale = h.levels > 1 ? std::exp(std::log(finest / h.base_resolution) / (h.levels - 1)) : 1.0;
  }
  if (h.levels < 1 || h.levels > 32) fail(c.where(), ": levels must be in [1, 32]");
  if (h.features_per_level < 1 || h.features_per_level > 8) fail(c.where(), ": features_per_level must be in [1, 8]");
  if (h.log2_table_size < 4 || h.log2_table_size > 24) fail(c.where(), ": log2_table_size must be in [4, 24]");
  if (h.base_resolution < 2) fail(c.where(), ": base_resolution must be >= 2");
  if (!(h.per_level_scale >= 1.0)) fail(c.where(), ": per_level_scale must be >= 1");
  if (dims < 1 || dims > 3) fail(c.where(), ": the hash grid encodes 1 to 3 dimensions, not ", dims);
  return std::make_unique<HashGrid>(ctx, dims, h);
}

}  // namespace

const EncodingRegistry& encodings() {
  static const EncodingRegistry r = EncodingRegistry("encoding")
                                        .add("dif_grid", make_dif_grid)
                                        .add("fourier", make_fourier)
                                        .add("frequency", make_frequency)
                                        .add("hashgrid", make_hashgrid)
                                        .add("identity", [](ConfigReader& c, gpu::Context& ctx, uint32_t dims) {
                                          if (dims < 1 || dims > 4) fail(c.where(), ": 1 to 4 input dimensions");
                                          return std::make_unique<IdentityEncoding>(ctx, dims);
                                        });
  return r;
}

}  // namespace nf::nn
