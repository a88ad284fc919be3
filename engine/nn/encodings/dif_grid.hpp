#pragma once
// The periodic multi-resolution "DiF-grid" of GNF (Bouzidi et al.), in 2D or 3D.
//
// Config: {"type": "dif_grid", "resolutions": [32, 51, 70, 89, 108, 128], "channels": [4, 4, 4, 2, 2, 2],
//          "init_std": 1.0}
// Level l is a resolutions[l]^d grid with channels[l] features per cell, tiled resolutions[l] times per axis
// over [-1,1] and sampled bilinearly (trilinearly in 3D) exactly as the official code's sawtooth mapping
// with torch grid_sample(align_corners=False, padding_mode='border'); see shaders/include/dif_grid.glsl.
// Features are the levels' channels concatenated in level order. Cells start ~ N(0, init_std^2).
// One parameter block "grid" (group "encoding"), levels one after another. dL/dx goes through the
// sawtooth mapping (reso^2 / 2 cells per unit of x inside a tile, 0 where the border clamp saturates).
#include <vector>

#include "nn/encodings/grid_encoding.hpp"

namespace nf::nn {

struct DifGridConfig {
  std::vector<uint32_t> resolutions = {32, 51, 70, 89, 108, 128};
  std::vector<uint32_t> channels = {4, 4, 4, 2, 2, 2};
  double init_std = 1.0;

  uint32_t features() const;
  uint64_t level_cells(size_t level, uint32_t dims) const;
  uint64_t parameters(uint32_t dims) const;
};

class DifGrid final : public GridEncoding {
 public:
  DifGrid(gpu::Context& ctx, uint32_t dims, DifGridConfig config);

  uint32_t output_dims() const override { return config_.features(); }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;

 private:
  DifGridConfig config_;
};

// Double-precision reference, sample-major: x[i * dims + a], returns F[i * features + f].
std::vector<double> dif_grid_reference_forward(const DifGridConfig& config, uint32_t dims,
                                               std::span<const double> grid, std::span<const double> x);
// Gradient of sum(d_f * F) with respect to the grid (same layout as the grid block).
std::vector<double> dif_grid_reference_backward(const DifGridConfig& config, uint32_t dims,
                                                std::span<const double> grid, std::span<const double> x,
                                                std::span<const double> d_f);
// Tangent F_dot along x_dot (sample-major, as x), and the grid gradient of sum(d_f_dot * F_dot).
std::vector<double> dif_grid_reference_jvp(const DifGridConfig& config, uint32_t dims, std::span<const double> grid,
                                        std::span<const double> x, std::span<const double> x_dot);
std::vector<double> dif_grid_reference_jvp_backward(const DifGridConfig& config, uint32_t dims,
                                                 std::span<const double> grid, std::span<const double> x,
                                                 std::span<const double> x_dot, std::span<const double> d_f_dot);
// dL/dx (sample-major) for dL/dF = d_f.
std::vector<double> dif_grid_reference_input_grad(const DifGridConfig& config, uint32_t dims,
                                                  std::span<const double> grid, std::span<const double> x,
                                                  std::span<const double> d_f);

}  // namespace nf::nn
