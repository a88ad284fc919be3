#pragma once
// Gaussian RBF layer + linear output (GNF / Gaussian RBFNet, single level):
//   phi_k(F) = exp(-1/2 sum_d exp(rho_kd) (F_d - mu_kd)^2),   y = W phi + b
//
// Config: {"type": "rbf", "neurons": 64, "centre_init": 1e-4, "log_precision_init": 0.0}
// Init as the official code: mu ~ U(-centre_init, centre_init), rho = log_precision_init, W and b as
// torch.nn.Linear (U(-1/sqrt(K), 1/sqrt(K))). Blocks "centres" (K x D), "log_precision" (K x D),
// "weights" (O x K), "bias" (O), all in group "network".
#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

struct RbfConfig {
  uint32_t neurons = 64;
  double centre_init = 1e-4;
  double log_precision_init = 0.0;
};

class Rbf final : public Module {
 public:
  Rbf(gpu::Context& ctx, uint32_t input_dims, uint32_t output_dims, RbfConfig config);

  uint32_t input_dims() const override { return d_; }
  uint32_t output_dims() const override { return o_; }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;
  // Records the per-step parameter preparation, then the forward pass.
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // Must follow forward() in the same command list with unchanged parameters (reuses its preparation).
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  // dL/dF only, one kernel without parameter sums; same precondition as backward(). d_x shares x's stride.
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;
  // Tangent y_dot = sum_k W_k phi_k s_k (s_k = -sum_d beta_kd (F_d - mu_kd) F_dot_d), and its backward pass
  // (formulas in shaders/nn/rbf_backward.comp; d_x required, sharing x's stride; the bias gets nothing).
  const char* jvp_unsupported() const override { return nullptr; }
  void jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
           uint32_t n) override;
  bool jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                    const BatchView& d_x, uint32_t n) override;

 private:
  gpu::Program forward_program(gpu::Context& ctx, bool tangent) const;
  gpu::Program backward_program(gpu::Context& ctx, bool tangent) const;
  // One dispatch per block of `block` neurons (the program's NB).
  void record_backward(gpu::CommandList& cmd, const gpu::Program& program, uint32_t block, const BatchView& x,
                       const BatchView& d_y, const BatchView& d_x, const BatchView* x_dot, uint32_t n);

  gpu::Context* ctx_;
  uint32_t d_, o_;
  RbfConfig config_;
  uint32_t block_;                 // neurons per dispatch
  uint32_t tangent_block_;         // neurons per dispatch of the tangent's backward
  uint32_t backward_invocations_;  // invocations per backward dispatch (each loops over samples)
  gpu::Buffer prepared_;           // uniform buffer, layout in shaders/include/rbf.glsl
  gpu::Program prepare_, forward_, backward_, input_grad_;
  gpu::Program jvp_, jvp_backward_;  // made on first jvp()
};

// Double-precision reference, sample-major. Parameters as the blocks: mu, rho (K x D), w (O x K), b (O).
struct RbfReferenceParams {
  uint32_t k, d, o;
  std::vector<double> mu, rho, w, b;
};
std::vector<double> rbf_reference_forward(const RbfReferenceParams& p, std::span<const double> f);
struct RbfReferenceGrads {
  std::vector<double> d_f, mu, rho, w, b;
};
RbfReferenceGrads rbf_reference_backward(const RbfReferenceParams& p, std::span<const double> f,
                                         std::span<const double> d_y);
// Tangent along f_dot, and the gradients of sum(d_y_dot * y_dot) (f_dot held fixed; d_f is dL/df).
std::vector<double> rbf_reference_jvp(const RbfReferenceParams& p, std::span<const double> f,
                                      std::span<const double> f_dot);
RbfReferenceGrads rbf_reference_jvp_backward(const RbfReferenceParams& p, std::span<const double> f,
                                             std::span<const double> f_dot, std::span<const double> d_y_dot);

}  // namespace nf::nn
