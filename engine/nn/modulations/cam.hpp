#pragma once
// Coordinate-Aware Modulation grids (Lee et al., ICLR 2024): for each modulated hidden layer l, a grid
// of resolution^d cells holding (gamma_l, beta_l), interpolated at the input coordinate (bilinear in 2D,
// trilinear in 3D; align_corners = True, border clamp). Output rows 2l = gamma_l, 2l + 1 = beta_l.
//
// Config (inside the network's): {"type": "cam", "resolution": 32 | [rx, ry(, rz)], "lr_scale": 10}
// (a number: the same on every axis; a list: one per coordinate dimension, e.g. CAM's 10 x 3 grids over
// azimuth and elevation).
// Grids start at gamma = 1, beta = 0; their learning rate is lr_scale x the network's (block "grids",
// group "network").
#include <array>

#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

// Grid vertices per axis (axis 0 fastest in the cell index); a single number sets every axis.
struct CamResolution {
  std::array<uint32_t, 3> axis{32, 32, 32};
  CamResolution() = default;
  CamResolution(uint32_t r) : axis{r, r, r} {}  // NOLINT: implicit, as a config's single number
  CamResolution(std::array<uint32_t, 3> a) : axis(a) {}  // NOLINT
  uint64_t cells(uint32_t dims) const;
};

struct CamConfig {
  CamResolution resolution;
  double lr_scale = 10.0;
};

class CamGrids final : public Module {
 public:
  // output_dims = 2 x the number of modulated layers.
  CamGrids(gpu::Context& ctx, uint32_t dims, uint32_t output_dims, CamConfig config);

  uint32_t input_dims() const override { return dims_; }
  uint32_t output_dims() const override { return 2 * layers_; }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // With d_x: also ADDS dL/dx into d_x (unlike encodings, which write it: the modulation coordinate is
  // the field's input, whose encoding writes d_x first).
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;
  // Groups of samples that share their coordinate (a ray's view direction): from the next backward() on,
  // parameter gradients are summed per group before they are scattered (cam_backward_groups). Empty: per sample.
  void set_constant_groups(const Segments& groups) { groups_ = groups; }

 private:
  void record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                       uint32_t n, int mode);
  uint64_t cells() const;
  uint32_t dims_, layers_;
  CamConfig config_;
  gpu::Program forward_, backward_[3];  // backward: see record_backward
  gpu::Program backward_ungrouped_, backward_groups_;
  Segments groups_;
};

// Double-precision reference, sample-major: grids as the block; returns n x 2L.
std::vector<double> cam_reference_forward(uint32_t dims, const CamResolution& resolution, uint32_t layers,
                                          std::span<const double> grids, std::span<const double> x);
std::vector<double> cam_reference_backward(uint32_t dims, const CamResolution& resolution, uint32_t layers,
                                           std::span<const double> grids, std::span<const double> x,
                                           std::span<const double> d_mod);
// dL/dx (sample-major) for dL/dmodulation = d_mod.
std::vector<double> cam_reference_input_grad(uint32_t dims, const CamResolution& resolution, uint32_t layers,
                                             std::span<const double> grids, std::span<const double> x,
                                             std::span<const double> d_mod);

}  // namespace nf::nn
