#pragma once
// Multilayer perceptron: H hidden layers of `width` units, ReLU or sine (SIREN) activations, an output
// layer with identity or sigmoid, optionally with Coordinate-Aware Modulation (CAM) of every hidden layer:
//
//   z = W a + b;   u = CAM ? gamma * LayerNorm(z) + beta : z;   a' = relu(u) | sin(omega u)
//   y = out_act(W_H a + b_H)
//
// LayerNorm is parameter-free over the layer's units (biased variance, eps 1e-5); gamma, beta are one
// scalar each per sample and layer, supplied by a modulation module (fields wire it: see fields/field.hpp)
// through set_modulation(). omega is first_omega for layer 0 and hidden_omega after; modulated sine layers
// use 1 (LayerNorm already gives the sine unit-variance inputs, SIREN's purpose for omega), and a sine
// network's first layer stays unmodulated (see MlpConfig::first_modulated). Modulation rows 2m, 2m + 1 are
// (gamma, beta) of the m-th modulated layer.
//
// Config: {"type": "mlp", "width": 256, "hidden_layers": 3, "activation": "relu"|"sine",
//          "output_activation": "none"|"sigmoid", "first_omega": 30, "hidden_omega": 30,
//          "modulation": {"type": "cam", ...} (optional), "normalization": "layer" | "ray",
//          "path": "auto"|"fused"|"layers"}
// normalization "ray" (modulated networks; CAM's radiance variant, GroupNorm(1) over a ray's samples x units)
// normalises each modulated layer over a group of samples (set_segments(): a ray's) instead of each sample
// alone; samples of no group (and every sample when no groups are set) are normalised alone. It runs per
// layer (the fused kernels keep one sample in flight).
// path "auto" fuses widths <= 128 on GPUs and runs per layer on CPU devices. On lavapipe the per-layer path
// is the faster one (2 x 64, 32 inputs, 65,536 samples: 0.082 s a step against the fused 0.111 s), and the
// fused path's fully unrolled kernels take LLVM minutes to compile per network shape (2 x 64: ~1.5 min
// each, 3 x 64: over 10 min on a loaded machine).
// Init: ReLU layers as torch.nn.Linear (U(-1/sqrt(in), 1/sqrt(in)) for W and b); sine layers as SIREN
// (W ~ U(-1/in, 1/in) for the first layer, U(-sqrt(6/in)/hidden_omega, +) after, b as torch.nn.Linear).
// Blocks "layer<l>.weight" (out x in, row-major) and "layer<l>.bias", group "network".
#include <memory>

#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

enum class Activation : uint32_t { None = 0, Relu = 1, Sine = 2, Sigmoid = 3 };

struct MlpConfig {
  uint32_t width = 256;
  uint32_t hidden_layers = 3;
  Activation activation = Activation::Relu;
  Activation output_activation = Activation::None;
  double first_omega = 30.0;
  double hidden_omega = 30.0;
  bool modulated = false;
  json modulation;          // the "modulation" object when modulated (built by the field)
  bool ray_norm = false;    // normalization ray (see above)
  std::string path = "auto";  // "fused": whole network per dispatch; "layers": one dispatch per layer

  uint32_t layers() const { return hidden_layers + 1; }
  uint32_t in_dims(uint32_t l, uint32_t input) const { return l == 0 ? input : width; }
  uint32_t out_dims(uint32_t l, uint32_t output) const { return l == hidden_layers ? output : width; }
  // Hidden layers from first_modulated() on are modulated (when modulated): all of them for ReLU; for
  // sine, all but the first, which acts as SIREN's positional encoding (LayerNorm, being scale-invariant,
  // would erase its omega_0 and with it the frequencies it represents).
  uint32_t first_modulated() const { return !modulated ? hidden_layers : (activation == Activation::Sine ? 1 : 0); }
  bool is_modulated(uint32_t l) const { return l >= first_modulated() && l < hidden_layers; }
  uint32_t modulated_layers() const { return hidden_layers - first_modulated(); }
  // The sine frequency of layer l. A modulated layer's LayerNorm already brings its pre-activation to unit
  // variance, which is what SIREN's omega scaling achieves, so there a = sin(gamma LN(z) + beta).
  double omega(uint32_t l) const { return is_modulated(l) ? 1.0 : (l == 0 ? first_omega : hidden_omega); }
};

class Mlp final : public Module {
 public:
  Mlp(gpu::Context& ctx, uint32_t input_dims, uint32_t output_dims, MlpConfig config);

  uint32_t input_dims() const override { return in_; }
  uint32_t output_dims() const override { return out_; }
  json config() const override;
  std::vector<ParamBlock> parameter_blocks() const override;
  SampleCost training_cost() const override;
  void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const override;
  uint32_t max_capacity(uint64_t buffer_range) const override;
  void reserve(gpu::Context& ctx, uint32_t capacity) override;
  uint32_t modulation_dims() const override { return 2 * config_.modulated_layers(); }
  json modulation_config() const override { return config_.modulated ? config_.modulation : json(nullptr); }
  void set_modulation(const BatchView& values, const BatchView& gradients) override;
  void set_segments(const Segments& segments) override;
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // Must follow forward() on the same x and n (uses the activations it stored).
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  // The backward pass without the weight-gradient kernels (dL/dmodulation is still written when modulated).
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;
  // Tangent of an unmodulated ReLU (or identity) MLP with an identity output: a_dot' = relu'(z) W a_dot with
  // the forward pass's masks, no bias; its backward pass is the ordinary one on the tangent activations
  // (weight gradients only; dL/dx is 0 almost everywhere, so jvp_backward returns false).
  const char* jvp_unsupported() const override;
  void jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
           uint32_t n) override;
  bool jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                    const BatchView& d_x, uint32_t n) override;
  bool fused() const { return fused_; }

 private:
  // param_grads false: no weight-gradient kernels; tangent: the tangent's (weights only, no bias).
  void record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                       uint32_t n, bool param_grads, bool tangent = false);
  // Per-invocation tiles of the per-layer kernels: quads of 4 samples x units; the weight gradients' blocks
  // of grad_rows outputs x grad_cols inputs per workgroup.
  struct Tile {
    uint32_t linear_quads, linear_units, input_grad_units, grad_rows, grad_cols;
  };
  static Tile tile(uint32_t in, uint32_t out);
  struct LayerPrograms {
    gpu::Program linear, normalize, activation_backward, input_grad, weight_grad;
    gpu::Program segment_stats, segment_means, activation_backward_groups;  // ray normalisation
    gpu::Program linear_tangent, weight_grad_tangent;  // made on first jvp()
    Tile tile;
  };
  gpu::Program& fused_program(bool backward, bool flag);
  // Whether the forward pass stores hidden layer l's activations in a_: not for unmodulated ReLU and identity
  // layers, whose readers take P and apply the ReLU themselves (RELU_IN; mlp_fused.glsl, layer_stores_a).
  bool stores_activations(uint32_t l) const;
  gpu::Bind fused_params() const;  // binding 0 of the fused kernels
  gpu::Bind rows(gpu::Buffer& buffer, uint64_t first_row, uint64_t count, gpu::Access access) const;

  gpu::Context& ctx_;
  uint32_t in_, out_;
  MlpConfig config_;
  bool fused_ = false;
  uint32_t grad_group_ = 64;
  std::vector<LayerPrograms> layers_;
  // [forward, backward][forward: store activations; backward: input gradient], made on first use
  gpu::ProgramDesc fused_desc_[2][2];
  gpu::Program fused_programs_[2][2];
  uint32_t capacity_ = 0;
  bool uniform_params_ = false;  // fused kernels read the parameters from a uniform buffer
  uint32_t param_floats_ = 0;    // the fused kernels' parameter range (layer 0's weights to the last bias)
  gpu::Buffer a_, p_, r_, dz_, da_, unused_;
  Segments segments_;
  gpu::Buffer group_stats_, partials_;  // ray normalisation: per group 2 rows; per sample 2 rows
  BatchView mod_, d_mod_;
};

// Double-precision reference, sample-major. mod: n x 2M values (gamma, beta per modulated layer), or
// empty when not modulated. group: per sample its group (normalization "ray"; -1: alone), or empty: every
// sample alone.
struct MlpReferenceParams {
  MlpConfig config;
  uint32_t in = 0, out = 0;
  std::vector<std::vector<double>> w, b;  // per layer
};
std::vector<double> mlp_reference_forward(const MlpReferenceParams& p, std::span<const double> x,
                                          std::span<const double> mod, std::span<const int64_t> group = {});
struct MlpReferenceGrads {
  std::vector<double> d_x, d_mod;
  std::vector<std::vector<double>> w, b;
};
MlpReferenceGrads mlp_reference_backward(const MlpReferenceParams& p, std::span<const double> x,
                                         std::span<const double> mod, std::span<const double> d_y,
                                         std::span<const int64_t> group = {});
// Tangent along x_dot of an unmodulated MLP with an identity output, and the gradients of
// sum(d_y_dot * y_dot) (x, x_dot fixed; ReLU or identity hidden layers for the backward).
std::vector<double> mlp_reference_jvp(const MlpReferenceParams& p, std::span<const double> x,
                                      std::span<const double> x_dot);
MlpReferenceGrads mlp_reference_jvp_backward(const MlpReferenceParams& p, std::span<const double> x,
                                             std::span<const double> x_dot, std::span<const double> d_y_dot);

}  // namespace nf::nn
