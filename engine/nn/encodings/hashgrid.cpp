#include "nn/encodings/hashgrid.hpp"

#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "nn/encodings/grid_reference.hpp"

namespace nf::nn {

std::vector<HashGridLevel> hashgrid_levels(const HashGridConfig& c, uint32_t dims) {
  std::vector<HashGridLevel> levels;
  const float log2b = std::log2(float(c.per_level_scale));
  const uint64_t table = 1ull << c.log2_table_size;
  uint64_t first = 0;
  for (uint32_t l = 0; l < c.levels; ++l) {
    const float scale = std::exp2(float(l) * log2b) * float(c.base_resolution) - 1.0f;
    const auto res = uint32_t(std::ceil(scale)) + 1;
    uint64_t dense = 1;
    for (uint32_t a = 0; a < dims; ++a) dense *= res;
    dense = (dense + 7) / 8 * 8;
    const bool hashed = dense > table;
    const uint64_t entries = hashed ? table : dense;
    levels.push_back({scale, res, uint32_t(first), uint32_t(entries), hashed});
    first += entries;
    NF_ASSERT(first < (1ull << 31), "hash grid too large");
  }
  return levels;
}

namespace {

std::vector<uint32_t> level_table(const std::vector<HashGridLevel>& levels) {
  std::vector<uint32_t> table;
  for (const auto& l : levels)
    table.insert(table.end(), {l.resolution, l.first, l.entries | (l.hashed ? 0x80000000u : 0u),
                               std::bit_cast<uint32_t>(l.scale)});
  return table;
}

uint32_t checked_dims(uint32_t dims) {
  NF_ASSERT(dims >= 1 && dims <= 3, "the hash grid encodes 1 to 3 dimensions");
  return dims;
}

}  // namespace

HashGrid::HashGrid(gpu::Context& ctx, uint32_t dims, HashGridConfig config)
    : GridEncoding(ctx, checked_dims(dims), "hash grid", "nn/hashgrid", {dims, config.levels, config.features_per_level},
                   level_table(hashgrid_levels(config, dims))),
      config_(config),
      levels_(hashgrid_levels(config, dims)) {}

json HashGrid::config() const {
  return {{"type", "hashgrid"},
          {"levels", config_.levels},
          {"features_per_level", config_.features_per_level},
          {"log2_table_size", config_.log2_table_size},
          {"base_resolution", config_.base_resolution},
          {"per_level_scale", config_.per_level_scale}};
}

std::vector<ParamBlock> HashGrid::parameter_blocks() const {
  const auto& last = levels_.back();
  return {{"table", (last.first + last.entries) * config_.features_per_level, "encoding"}};
}

SampleCost HashGrid::training_cost() const {
  const double corners = double(1u << dims_), f = config_.features_per_level, l = config_.levels;
  return {l * (2 * (6.0 * dims_ + corners * (dims_ + 3)) + 4 * corners * f),
          l * corners * f * 12.0 + 8.0 * dims_ + 8.0 * output_dims()};
}

void HashGrid::initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const {
  for (float& v : blocks[0]) v = float(rng.uniform(-1e-4, 1e-4));
}

namespace {

// Calls visit(table index, weight, d weight / dx (dims values), feature index) for every (level, corner,
// feature) of sample x.
template <class Visit>
void for_each_tap(const HashGridConfig& c, uint32_t dims, const double* x, Visit visit) {
  static constexpr uint32_t primes[3] = {1u, 2654435761u, 805459861u};
  const auto levels = hashgrid_levels(c, dims);
  for (uint32_t l = 0; l < c.levels; ++l) {
    const auto& lv = levels[l];
    uint32_t cell[3];
    double w[3];
    for (uint32_t a = 0; a < dims; ++a) {
      const double p = double(lv.scale) * (x[a] + 1.0) * 0.5 + 0.5;
      const double fl = std::floor(p);
      cell[a] = uint32_t(int64_t(fl));
      w[a] = p - fl;
    }
    for (uint32_t k = 0; k < (1u << dims); ++k) {
      uint32_t index = 0, stride = 1;
      double weight = 1, dweight[3] = {1, 1, 1};
      for (uint32_t a = 0; a < dims; ++a) {
        const bool upper = (k >> a) & 1u;
        const uint32_t v = cell[a] + (upper ? 1u : 0u);
        weight *= upper ? w[a] : 1.0 - w[a];
        for (uint32_t b = 0; b < dims; ++b)
          dweight[b] *= b == a ? (upper ? 0.5 : -0.5) * double(lv.scale) : (upper ? w[a] : 1.0 - w[a]);
        index = lv.hashed ? (index ^ (v * primes[a])) : index + v * stride;
        stride *= lv.resolution;
      }
      const uint64_t entry = lv.first + index % lv.entries;
      for (uint32_t f = 0; f < c.features_per_level; ++f)
        visit(entry * c.features_per_level + f, weight, dweight, l * c.features_per_level + f);
    }
  }
}

}  // namespace

namespace {

// The taps of one config, for grid_reference.
auto taps(const HashGridConfig& c, uint32_t dims) {
  return [&c, dims](const double* x, auto visit) { for_each_tap(c, dims, x, visit); };
}

}  // namespace

std::vector<double> hashgrid_reference_forward(const HashGridConfig& c, uint32_t dims, std::span<const double> table,
                                               std::span<const double> x) {
  return grid_reference::forward(taps(c, dims), dims, size_t(c.levels) * c.features_per_level, table, x);
}

std::vector<double> hashgrid_reference_backward(const HashGridConfig& c, uint32_t dims, std::span<const double> table,
                                                std::span<const double> x, std::span<const double> d_f) {
  return grid_reference::backward(taps(c, dims), dims, size_t(c.levels) * c.features_per_level, table, x, d_f);
}

std::vector<double> hashgrid_reference_input_grad(const HashGridConfig& c, uint32_t dims, std::span<const double> table,
                                                  std::span<const double> x, std::span<const double> d_f) {
  return grid_reference::input_grad(taps(c, dims), dims, size_t(c.levels) * c.features_per_level, table, x, d_f);
}

std::vector<double> hashgrid_reference_jvp(const HashGridConfig& c, uint32_t dims, std::span<const double> table,
                                        std::span<const double> x, std::span<const double> x_dot) {
  return grid_reference::jvp(taps(c, dims), dims, size_t(c.levels) * c.features_per_level, table, x, x_dot);
}

std::vector<double> hashgrid_reference_jvp_backward(const HashGridConfig& c, uint32_t dims,
                                                 std::span<const double> table, std::span<const double> x,
                                                 std::span<const double> x_dot, std::span<const double> d_f_dot) {
  return grid_reference::jvp_backward(taps(c, dims), dims, size_t(c.levels) * c.features_per_level, table, x, x_dot, d_f_dot);
}

}  // namespace nf::nn
