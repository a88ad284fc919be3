#pragma once
// NeRF-style frequency (positional) encoding:
//   F = [x (if include_input), sin(2^k pi x), cos(2^k pi x) for k = 0 .. octaves - 1]
// (each sin and cos block over all input dimensions). No parameters.
//
// Config: {"type": "frequency", "octaves": 10, "include_input": true}
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

struct FrequencyConfig {
  uint32_t octaves = 10;
  bool include_input = true;
};

class FrequencyEncoding final : public Module {
 public:
  FrequencyEncoding(gpu::Context& ctx, uint32_t dims, FrequencyConfig config);

  uint32_t input_dims() const override { return dims_; }
  uint32_t output_dims() const override { return dims_ * (2 * config_.octaves + (config_.include_input ? 1 : 0)); }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override { return {}; }
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>>, Pcg32&) const override {}
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // No parameters: backward only writes dL/dx, when d_x is given.
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;

 private:
  uint32_t dims_;
  FrequencyConfig config_;
  gpu::Program forward_, backward_;
};

std::vector<double> frequency_reference_forward(uint32_t dims, const FrequencyConfig& config,
                                                std::span<const double> x);
// dL/dx (sample-major) for dL/dF = d_f.
std::vector<double> frequency_reference_input_grad(uint32_t dims, const FrequencyConfig& config,
                                                   std::span<const double> x, std::span<const double> d_f);

}  // namespace nf::nn
