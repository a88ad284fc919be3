#pragma once
// The identity encoding: F = x (SIREN and other networks that take raw coordinates).
//
// Config: {"type": "identity"}
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

class IdentityEncoding final : public Module {
 public:
  IdentityEncoding(gpu::Context& ctx, uint32_t dims);

  uint32_t input_dims() const override { return dims_; }
  uint32_t output_dims() const override { return dims_; }
  json config() const override { return {{"type", "identity"}}; }
  std::vector<ParamBlock> parameter_blocks() const override { return {}; }
  SampleCost training_cost() const override { return {0.0, 8.0 * dims_}; }
  void initialize(std::span<const std::span<float>>, Pcg32&) const override {}
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override {
    backward(cmd, x, d_y, d_x, n);
  }

 private:
  uint32_t dims_;
  gpu::Program copy_;
};

}  // namespace nf::nn
