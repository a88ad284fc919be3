#pragma once
// Gaussian Fourier features (Tancik et al. 2020): F = [sin(2 pi B x), cos(2 pi B x)], B ~ N(0, sigma^2),
// M x d, drawn at initialisation and kept fixed (a saved, non-trainable parameter block "frequencies").
//
// Config: {"type": "fourier", "frequencies": 256, "sigma": 10.0}
// sigma is stated for coordinates in [-1,1]: CAM's image setting (sigma 10 on coordinates in (0,1))
// spans the same functions as sigma 5 here.
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

struct FourierConfig {
  uint32_t frequencies = 256;
  double sigma = 10.0;
};

class FourierFeatures final : public Module {
 public:
  FourierFeatures(gpu::Context& ctx, uint32_t dims, FourierConfig config);

  uint32_t input_dims() const override { return dims_; }
  uint32_t output_dims() const override { return 2 * config_.frequencies; }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // The frequencies are fixed: backward only writes dL/dx, when d_x is given.
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;

 private:
  uint32_t dims_;
  FourierConfig config_;
  gpu::Program forward_, backward_;
};

// Double-precision reference, sample-major; b: M x dims.
std::vector<double> fourier_reference_forward(uint32_t dims, std::span<const double> b, std::span<const double> x);
// dL/dx (sample-major) for dL/dF = d_f.
std::vector<double> fourier_reference_input_grad(uint32_t dims, std::span<const double> b, std::span<const double> x,
                                                 std::span<const double> d_f);

}  // namespace nf::nn
