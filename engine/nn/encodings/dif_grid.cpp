#include "nn/encodings/dif_grid.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {

uint32_t DifGridConfig::features() const {
  uint32_t f = 0;
  for (uint32_t c : channels) f += c;
  return f;
}

uint64_t DifGridConfig::level_cells(size_t level, uint32_t dims) const {
  uint64_t cells = 1;
  for (uint32_t a = 0; a < dims; ++a) cells *= resolutions[level];
  return cells;
}

uint64_t DifGridConfig::parameters(uint32_t dims) const {
  uint64_t n = 0;
  for (size_t l = 0; l < resolutions.size(); ++l) n += level_cells(l, dims) * channels[l];
  return n;
}

namespace {

// uvec4 per level: reso, channels, offset of its cells in the grid block, offset of its features in F.
std::vector<uint32_t> level_table(const DifGridConfig& c, uint32_t dims) {
  NF_ASSERT(dims == 2 || dims == 3, "the DiF-grid encodes 2D or 3D coordinates");
  NF_ASSERT(c.resolutions.size() == c.channels.size() && !c.resolutions.empty(),
            "DiF-grid needs one channel count per resolution");
  std::vector<uint32_t> table;
  uint32_t offset = 0, feature = 0;
  for (size_t l = 0; l < c.resolutions.size(); ++l) {
    table.insert(table.end(), {c.resolutions[l], c.channels[l], offset, feature});
    offset += uint32_t(c.level_cells(l, dims) * c.channels[l]);
    feature += c.channels[l];
  }
  return table;
}

}  // namespace

DifGrid::DifGrid(gpu::Context& ctx, uint32_t dims, DifGridConfig config)
    : GridEncoding(ctx, dims, "DiF-grid", "nn/dif_grid", {dims, uint32_t(config.resolutions.size())},
                   level_table(config, dims)),
      config_(std::move(config)) {}

json DifGrid::config() const {
  return {{"type", "dif_grid"},
          {"resolutions", config_.resolutions},
          {"channels", config_.channels},
          {"init_std", config_.init_std}};
}

std::vector<ParamBlock> DifGrid::parameter_blocks() const {
  return {{"grid", uint32_t(config_.parameters(dims_)), "encoding"}};
}

SampleCost DifGrid::training_cost() const {
  // Per level and pass: ~12 flops per axis for the mapping, dims products per corner weight; forward
  // 2 flops per tap and channel, backward 2 (multiply, atomic add). Bytes: x, F or dF, 4-byte gathers
  // (forward) and 4-byte read-modify-writes (backward) per tap.
  const double corners = double(1u << dims_);
  SampleCost c;
  for (uint32_t ch : config_.channels) {
    const double setup = 12.0 * dims_ + corners * dims_;
    c.flops += 2 * setup + corners * ch * 2 + corners * ch * 2;
    c.bytes += corners * ch * 4 + corners * ch * 8;
  }
  c.bytes += 2 * 4.0 * dims_ + 2 * 4.0 * config_.features();
  return c;
}

void DifGrid::initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const {
  for (float& v : blocks[0]) v = float(rng.normal() * config_.init_std);
}

}  // namespace nf::nn
