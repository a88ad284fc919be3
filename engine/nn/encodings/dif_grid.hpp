#pragma once
// The periodic multi-resolution "DiF-grid" of GNF (Bouzidi et al.), in 2D or 3D.
//
// Config: {"type": "dif_grid", "resolutions": [32, 51, 70, 89, 108, 128], "channels": [4, 4, 4, 2, 2, 2],
//          "init_std": 1.0}
// Level l is a resolutions[l]^d grid with channels[l] features per cell, tiled resolutions[l] times per axis
// over [-1,1] and sampled bilinearly (trilinearly in 3D) exactly as the official code's sawtooth mapping
// with torch grid_sample(align_corners=False, padding_mode='border'); see shaders/include/dif_grid.glsl.
// Features are the levels' channels concatenated in level order. Cells start ~ N(0, init_std^2).
// One parameter block "grid" (group "encoding"), levels one after another.
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

struct DifGridConfig {
  std::vector<uint32_t> resolutions = {32, 51, 70, 89, 108, 128};
  std::vector<uint32_t> channels = {4, 4, 4, 2, 2, 2};
  double init_std = 1.0;

  uint32_t features() const;
  uint64_t level_cells(size_t level, uint32_t dims) const;
  uint64_t parameters(uint32_t dims) const;
};

class DifGrid final : public Module {
 public:
  DifGrid(gpu::Context& ctx, uint32_t dims, DifGridConfig config);

  uint32_t input_dims() const override { return dims_; }
  uint32_t output_dims() const override { return config_.features(); }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // With d_x: also writes dL/dx (through the sawtooth mapping: reso^2 / 2 cells per unit of x inside a
  // tile, 0 where the border clamp saturates).
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;
  // Tangent: F_dot = sum of (dweight/dx . x_dot) * cell values; its backward scatters (dweight/dx . x_dot) *
  // dL/dF_dot into the parameter gradients (dL/dx, a second derivative of the interpolation, is not
  // offered: d_x must be empty).
  const char* jvp_unsupported() const override { return nullptr; }
  void jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
           uint32_t n) override;
  bool jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                    const BatchView& d_x, uint32_t n) override;

 private:
  void record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                       uint32_t n, int mode);

  uint32_t dims_;
  DifGridConfig config_;
  gpu::Buffer levels_;  // uvec4 per level: reso, channels, cell offset, feature offset
  gpu::Program forward_, backward_[3];  // backward: see record_backward
  gpu::Program jvp_, jvp_backward_;
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
