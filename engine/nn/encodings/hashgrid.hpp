#pragma once
// Multiresolution hash encoding (Mueller et al. 2022), as tiny-cuda-nn computes it.
//
// Config: {"type": "hashgrid", "levels": 16, "features_per_level": 2, "log2_table_size": 19,
//          "base_resolution": 16, "per_level_scale": 2.0}
//   or "finest_resolution": N instead of per_level_scale (scale = exp(log(N / base) / (levels - 1))).
// Level l: scale_l = 2^(l log2 b) * base - 1 and res_l = ceil(scale_l) + 1 vertices per axis (float32, on
// the host); dense when res_l^d <= 2^T (entries rounded up to a multiple of 8), otherwise hashed into 2^T
// entries. Inputs x in [-1,1]^d are used as u = (x + 1) / 2 in tiny-cuda-nn's [0,1]^d. Entries start
// ~ U(-1e-4, 1e-4). One parameter block "table" (group "encoding"), levels one after another. dL/dx is
// the derivative of the interpolation weights (per level scale / 2 per unit of x).
#include <vector>

#include "nn/encodings/grid_encoding.hpp"

namespace nf::nn {

struct HashGridConfig {
  uint32_t levels = 16;
  uint32_t features_per_level = 2;
  uint32_t log2_table_size = 19;
  uint32_t base_resolution = 16;
  double per_level_scale = 2.0;
};

struct HashGridLevel {
  float scale;
  uint32_t resolution;
  uint32_t first;    // first entry
  uint32_t entries;
  bool hashed;
};

// The per-level table of a config for d input dimensions, computed in float32 like tiny-cuda-nn.
std::vector<HashGridLevel> hashgrid_levels(const HashGridConfig& config, uint32_t dims);

class HashGrid final : public GridEncoding {
 public:
  HashGrid(gpu::Context& ctx, uint32_t dims, HashGridConfig config);

  uint32_t output_dims() const override { return config_.levels * config_.features_per_level; }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;

 private:
  HashGridConfig config_;
  std::vector<HashGridLevel> levels_;
};

// Double-precision reference (sample-major) using the same level table.
std::vector<double> hashgrid_reference_forward(const HashGridConfig& config, uint32_t dims,
                                               std::span<const double> table, std::span<const double> x);
std::vector<double> hashgrid_reference_backward(const HashGridConfig& config, uint32_t dims,
                                                std::span<const double> table, std::span<const double> x,
                                                std::span<const double> d_f);
// Tangent F_dot along x_dot (sample-major, as x), and the table gradient of sum(d_f_dot * F_dot).
std::vector<double> hashgrid_reference_jvp(const HashGridConfig& config, uint32_t dims, std::span<const double> table,
                                        std::span<const double> x, std::span<const double> x_dot);
std::vector<double> hashgrid_reference_jvp_backward(const HashGridConfig& config, uint32_t dims,
                                                 std::span<const double> table, std::span<const double> x,
                                                 std::span<const double> x_dot, std::span<const double> d_f_dot);
// dL/dx (sample-major) for dL/dF = d_f.
std::vector<double> hashgrid_reference_input_grad(const HashGridConfig& config, uint32_t dims,
                                                  std::span<const double> table, std::span<const double> x,
                                                  std::span<const double> d_f);

}  // namespace nf::nn
