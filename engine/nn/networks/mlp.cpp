#include "nn/networks/mlp.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;
constexpr uint32_t kInputGradQuads = 2;  // mlp_input_grad: quads of samples per invocation
constexpr uint32_t kGradBlock = 8;  // weight-gradient block (kGradBlock x kGradBlock weights)
constexpr uint32_t kGradChunkCpu = 8192;  // samples per weight-gradient workgroup on CPU devices
// Rows that a kernel only reads are bound as texel buffers (shaders/include/common.glsl, NF_TEXEL4).
constexpr auto S = gpu::BindingKind::Storage, T = gpu::BindingKind::Texel, F = gpu::BindingKind::FloatTexel;
const std::vector<gpu::BindingKind> kWeightGradBindings{T, T, S, S};
// Weights as vec4 texels (four inputs each) when the input count allows, else as float texels.
uint32_t weights_as_vec4(uint32_t in) { return in % 4 == 0 ? 1u : 0u; }
std::vector<gpu::BindingKind> linear_bindings(uint32_t in) { return {weights_as_vec4(in) ? T : F, S, T, S, S}; }

uint32_t ceil_div(uint64_t a, uint64_t b) { return uint32_t((a + b - 1) / b); }

struct LinearPush {
  uint32_t n, stride_in, stride, stride_out;
};
struct NormalizePush {
  uint32_t n, stride, stride_mod, layer, group_stride;
};
struct ActBackwardPush {
  uint32_t n, stride_da, stride, stride_mod, layer, group_stride;
};
struct SegmentsPush {
  uint32_t groups, group_stride, stride;
};
struct InputGradPush {
  uint32_t n, stride, stride_in;
};
struct WeightGradPush {
  uint32_t n, stride, stride_in, chunk;
};
struct FusedForwardPush {
  uint32_t n, stride_in, stride, stride_mod, stride_y;
};
struct FusedBackwardPush {
  uint32_t n, stride, stride_mod, stride_y, stride_in;
};

}  // namespace

Mlp::Mlp(gpu::Context& ctx, uint32_t input_dims, uint32_t output_dims, MlpConfig config)
    : ctx_(ctx), in_(input_dims), out_(output_dims), config_(std::move(config)) {
  const auto& c = config_;
  NF_ASSERT(c.hidden_layers >= 1 && c.width >= 1, "an MLP needs at least one hidden layer");
  // "auto": the fused path on GPUs for widths up to 128; the per-layer path on CPU devices (lavapipe), where
  // the fused kernels compile for minutes (see the header; apps/bench/README.md, MLP throughput); "path"
  // forces one.
  fused_ = c.path == "fused" || (c.path == "auto" && std::max(in_, c.width) <= 128 &&
                                 ctx.info().type != VK_PHYSICAL_DEVICE_TYPE_CPU && !c.ray_norm);
  NF_ASSERT(!(fused_ && c.ray_norm), "the ray normalisation runs per layer (path layers or auto)");
  const std::vector<gpu::BindingKind> s2(2, gpu::BindingKind::Storage);
  const uint32_t cpu = ctx.info().type == VK_PHYSICAL_DEVICE_TYPE_CPU;
  // Weight gradients: on CPUs one subgroup-sized workgroup per block of weights (few atomics); on GPUs
  // full workgroups.
  grad_group_ = cpu ? 8 : kGroupSize;
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const uint32_t in = c.in_dims(l, in_), out = c.out_dims(l, out_);
    const bool hidden = l < c.hidden_layers, modulated = c.is_modulated(l);
    const uint32_t act = uint32_t(hidden ? c.activation : c.output_activation);
    const float omega = float(c.omega(l));
    LayerPrograms p;
    p.tile = tile(in, out);
    const uint32_t relu_in = l > 0 && !stores_activations(l - 1) && c.activation == Activation::Relu;
    p.weight_grad = gpu::Program(ctx, {"nn/mlp_weight_grad", kWeightGradBindings,
                                       sizeof(WeightGradPush), grad_group_,
                                       {in, out, p.tile.grad_rows, p.tile.grad_cols, 1u, relu_in}});
    if (!fused_) {
      p.linear = gpu::Program(ctx, {"nn/mlp_linear", linear_bindings(in), sizeof(LinearPush), kGroupSize,
                                    {in, out, p.tile.linear_units, act, gpu::constant(omega), modulated ? 1u : 0u,
                                     0u, weights_as_vec4(in), relu_in, !hidden || stores_activations(l) ? 1u : 0u,
                                     p.tile.linear_quads}});
      const uint32_t groups = modulated && c.ray_norm ? 1u : 0u;
      if (modulated)
        p.normalize = gpu::Program(ctx, {"nn/mlp_normalize", std::vector(6, gpu::BindingKind::Storage),
                                         sizeof(NormalizePush), kGroupSize, {out, act, gpu::constant(omega), groups}});
      p.activation_backward =
          gpu::Program(ctx, {"nn/mlp_activation_backward", {T, T, S, S, S, S, S, S, S},
                             sizeof(ActBackwardPush), kGroupSize,
                             {out, act, gpu::constant(omega), modulated ? 1u : 0u, groups, 0u}});
      if (groups) {
        p.activation_backward_groups =
            gpu::Program(ctx, {"nn/mlp_activation_backward", {T, T, S, S, S, S, S, S, S}, sizeof(ActBackwardPush),
                               kGroupSize, {out, act, gpu::constant(omega), 1u, 1u, 1u}});
        p.segment_stats = gpu::Program(ctx, {"nn/mlp_segments", std::vector(3, gpu::BindingKind::Storage),
                                             sizeof(SegmentsPush), kGroupSize, {out, 0u}});
        p.segment_means = gpu::Program(ctx, {"nn/mlp_segments", std::vector(3, gpu::BindingKind::Storage),
                                             sizeof(SegmentsPush), kGroupSize, {out, 1u}});
      }
      // Into an unmodulated hidden layer, the input gradient goes on through its activation (DERIVATIVE).
      const uint32_t derivative = l > 0 && !c.is_modulated(l - 1);
      p.input_grad = gpu::Program(ctx, {"nn/mlp_input_grad", {weights_as_vec4(in) ? T : F, T, S, T},
                                        sizeof(InputGradPush), kGroupSize,
                                        {in, out, p.tile.input_grad_units, weights_as_vec4(in), derivative,
                                         uint32_t(c.activation), gpu::constant(l > 0 ? float(c.omega(l - 1)) : 1.0f),
                                         kInputGradQuads}});
    }
    layers_.push_back(std::move(p));
  }
  if (fused_) {
    // Parameters from a uniform buffer, with the kernels fully unrolled, when they fit (mlp_fused.glsl).
    param_floats_ = 0;
    for (uint32_t l = 0; l < c.layers(); ++l) {
      const uint32_t align = ParameterStore::kAlignFloats;
      param_floats_ += (c.in_dims(l, in_) * c.out_dims(l, out_) + align - 1) / align * align;
      param_floats_ += l == c.hidden_layers ? out_ : (c.width + align - 1) / align * align;
    }
    uniform_params_ = uint64_t(param_floats_) * 4 <= std::min<uint64_t>(ctx.info().max_uniform_buffer_range, 65536);
    const std::string variant = uniform_params_ ? "@ubo" : "";
    auto bindings = [&](uint32_t count) {  // parameters, the rows read (x or P), the rest
      std::vector<gpu::BindingKind> kinds(count, S);
      if (uniform_params_) kinds[0] = gpu::BindingKind::Uniform;
      kinds[1] = T;
      return kinds;
    };
    auto constants = [&](uint32_t flag) {
      return std::vector<uint32_t>{in_,
                                   c.width,
                                   out_,
                                   c.hidden_layers,
                                   uint32_t(c.activation),
                                   uint32_t(c.output_activation),
                                   gpu::constant(float(c.first_omega)),
                                   gpu::constant(float(c.hidden_omega)),
                                   c.first_modulated(),
                                   flag};
    };
    // Made on first use (fused_program): the unrolled kernels take LLVM minutes to compile on lavapipe.
    for (uint32_t flag = 0; flag < 2; ++flag) {
      fused_desc_[0][flag] = {"nn/mlp_forward_fused" + variant, bindings(7), sizeof(FusedForwardPush), kGroupSize,
                              constants(flag)};
      fused_desc_[1][flag] = {"nn/mlp_backward_fused" + variant, bindings(8), sizeof(FusedBackwardPush), kGroupSize,
                              constants(flag)};
    }
  }
}

// Larger tiles share each weight fetch among more samples: on lavapipe the 3 x 256 forward ran 438 -> 350 ms
// going from 2 x 32 to 4 x 64 (4 x 128: 361 ms), the input gradient 467 -> 448 ms from 2 x 32 to 2 x 64
// (apps/bench/README.md, MLP throughput). They cost LLVM much longer compiles, so only wide layers take them.
// A tile is never wider than its layer: the units past it would only repeat the last one's sums (a 64 -> 3
// output layer computed 32 outputs).
Mlp::Tile Mlp::tile(uint32_t in, uint32_t out) {
  const bool wide = in >= 128 && out >= 128;
  Tile t = wide ? Tile{4, 64, 64, kGradBlock, kGradBlock} : Tile{2, 32, 32, kGradBlock, kGradBlock};
  t.linear_units = std::min(t.linear_units, out);
  t.input_grad_units = std::min(t.input_grad_units, in);
  t.grad_rows = std::min(t.grad_rows, out);
  t.grad_cols = std::min(t.grad_cols, in);
  return t;
}

bool Mlp::stores_activations(uint32_t l) const {
  const auto act = config_.activation;
  return config_.is_modulated(l) || (act != Activation::None && act != Activation::Relu);
}

gpu::Program& Mlp::fused_program(bool backward, bool flag) {
  gpu::Program& p = fused_programs_[backward ? 1 : 0][flag ? 1 : 0];
  if (!p) p = gpu::Program(ctx_, fused_desc_[backward ? 1 : 0][flag ? 1 : 0]);
  return p;
}

gpu::Bind Mlp::fused_params() const {
  return gpu::Bind::in(store().values(), uint64_t(store().blocks()[block_index(0)].offset) * 4,
                       uint64_t(param_floats_) * 4);
}

json Mlp::config() const {
  const auto name = [](Activation a) {
    switch (a) {
      case Activation::Relu: return "relu";
      case Activation::Sine: return "sine";
      case Activation::Sigmoid: return "sigmoid";
      case Activation::None: return "none";
    }
    return "none";
  };
  json j = {{"type", "mlp"},
            {"width", config_.width},
            {"hidden_layers", config_.hidden_layers},
            {"activation", name(config_.activation)},
            {"output_activation", name(config_.output_activation)},
            {"first_omega", config_.first_omega},
            {"hidden_omega", config_.hidden_omega},
            {"path", config_.path}};
  if (config_.modulated) j["modulation"] = config_.modulation;
  if (config_.ray_norm) j["normalization"] = "ray";
  return j;
}

std::vector<ParamBlock> Mlp::parameter_blocks() const {
  std::vector<ParamBlock> blocks;
  for (uint32_t l = 0; l < config_.layers(); ++l) {
    const uint32_t in = config_.in_dims(l, in_), out = config_.out_dims(l, out_);
    blocks.push_back({cat("layer", l, ".weight"), in * out, "network"});
    blocks.push_back({cat("layer", l, ".bias"), out, "network"});
  }
  return blocks;
}

SampleCost Mlp::training_cost() const {
  // Forward 2 flops per weight, backward 4 (input gradient and weight gradient); stored activations are
  // written once and read back; LayerNorm and activations are small next to the weights.
  double weights = 0, units = 0;
  for (uint32_t l = 0; l < config_.layers(); ++l) {
    weights += double(config_.in_dims(l, in_)) * config_.out_dims(l, out_);
    units += config_.out_dims(l, out_);
  }
  return {6 * weights + 20 * units, 4.0 * (in_ + 6 * units + out_)};
}

void Mlp::initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const {
  const auto& c = config_;
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const double in = c.in_dims(l, in_);
    const double linear = 1.0 / std::sqrt(in);
    double w_bound = linear;
    if (c.activation == Activation::Sine) w_bound = l == 0 ? 1.0 / in : std::sqrt(6.0 / in) / c.hidden_omega;
    for (float& v : blocks[2 * l]) v = float(rng.uniform(-w_bound, w_bound));
    for (float& v : blocks[2 * l + 1]) v = float(rng.uniform(-linear, linear));
  }
}

uint32_t Mlp::max_capacity(uint64_t buffer_range) const {
  // The largest buffer holds every layer's pre-activations (and, likewise, dL/dz).
  const uint64_t rows = uint64_t(config_.hidden_layers) * config_.width + out_;
  return uint32_t(std::min<uint64_t>(buffer_range / (rows * 4) / 64 * 64, 1u << 30));
}

void Mlp::reserve(gpu::Context& ctx, uint32_t capacity) {
  NF_ASSERT(capacity % 64 == 0, "MLP capacity must be a multiple of 64");
  capacity_ = capacity;
  const uint64_t w = config_.width, h = config_.hidden_layers, cap = capacity;
  a_ = gpu::Buffer(ctx, h * w * cap * 4, "mlp activations");
  p_ = gpu::Buffer(ctx, (h * w + out_) * cap * 4, "mlp pre-activations");
  r_ = gpu::Buffer(ctx, std::max<uint64_t>(h * cap * 4, 4), "mlp 1/std");
  dz_ = gpu::Buffer(ctx, (h * w + out_) * cap * 4, "mlp dL/dz");
  if (!fused_) da_ = gpu::Buffer(ctx, w * cap * 4, "mlp dL/da");
  unused_ = gpu::Buffer(ctx, 16, "mlp unused binding");
  if (config_.ray_norm) partials_ = gpu::Buffer(ctx, 2 * cap * 4, "mlp group partial sums");
  if (!config_.modulated) {
    mod_ = BatchView{&unused_, 0, 0};  // bound, never read
    d_mod_ = BatchView{&unused_, 0, 0};
  }
  // The fused kernels find the blocks at the offsets the ParameterStore gives them (mlp_fused.glsl).
  for (size_t b = 1; b < 2 * config_.layers(); ++b) {
    const auto& prev = store().blocks()[block_index(b - 1)];
    const uint32_t align = ParameterStore::kAlignFloats;
    NF_ASSERT(store().blocks()[block_index(b)].offset == prev.offset + (prev.block.count + align - 1) / align * align,
              "MLP parameter blocks are not consecutive in the store");
  }
}

void Mlp::set_modulation(const BatchView& values, const BatchView& gradients) {
  NF_ASSERT(config_.modulated, "set_modulation on an MLP without modulation");
  NF_ASSERT(values.dims == modulation_dims() && gradients.dims == modulation_dims(), "modulation dims");
  mod_ = values;
  d_mod_ = gradients;
}

void Mlp::set_segments(const Segments& segments) {
  if (!config_.ray_norm) return;
  if (segments.info) {
    NF_ASSERT(segments.group_of && segments.count <= segments.stride, "segments: group_of and count <= stride");
    // Sized once for the largest group count it will see (the buffer must outlive steps in flight).
    if (!group_stats_) group_stats_ = gpu::Buffer(ctx_, 2ull * segments.stride * 4, "mlp group statistics");
    NF_ASSERT(uint64_t(segments.stride) * 8 <= group_stats_.size(), "segments: a larger group stride than before");
  }
  segments_ = segments;
}

gpu::Bind Mlp::rows(gpu::Buffer& buffer, uint64_t first_row, uint64_t count, gpu::Access access) const {
  return {&buffer, access, first_row * capacity_ * 4, count * capacity_ * 4};
}

void Mlp::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(capacity_ >= n, "MLP forward of ", n, " samples beyond its reserved ", capacity_);
  NF_ASSERT(x.dims == in_ && y.dims == out_, "MLP forward: wrong operand dims");
  NF_ASSERT(!config_.modulated || mod_.buffer, "a modulated MLP needs set_modulation() first");
  const auto& c = config_;
  const uint32_t quads = ceil_div(n, 4), octets = ceil_div(n, 8);
  if (fused_) {
    cmd.dispatch(fused_program(false, true), gpu::Groups::linear(octets, kGroupSize),
                 {fused_params(), gpu::Bind::in(*x.buffer), gpu::Bind::in(*mod_.buffer), gpu::Bind::out(a_), gpu::Bind::out(p_), gpu::Bind::out(r_),
                  gpu::Bind::out(*y.buffer)},
                 FusedForwardPush{n, x.stride, capacity_, mod_.stride, y.stride});
    return;
  }
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const bool hidden = l < c.hidden_layers;
    const uint32_t out = c.out_dims(l, out_);
    auto& p = layers_[l];
    // Hidden layers whose activations are not stored pass on their pre-activations (RELU_IN applies the ReLU).
    const gpu::Bind in = l == 0 ? gpu::Bind::in(*x.buffer)
                                : rows(stores_activations(l - 1) ? a_ : p_, uint64_t(l - 1) * c.width, c.width,
                                       gpu::Access::Read);
    const gpu::Bind pre = rows(p_, uint64_t(l) * c.width, out, gpu::Access::Write);
    const gpu::Bind a_out = !hidden                 ? gpu::Bind::out(*y.buffer)
                            : stores_activations(l) ? rows(a_, uint64_t(l) * c.width, out, gpu::Access::Write)
                                                    : gpu::Bind::out(unused_);
    cmd.dispatch(p.linear,
                 gpu::Groups{ceil_div(n, 4 * p.tile.linear_quads * kGroupSize), ceil_div(out, p.tile.linear_units), 1},
                 {store().bind_values(block_index(2 * l), gpu::Access::Read),
                  store().bind_values(block_index(2 * l + 1), gpu::Access::Read), in, pre, a_out},
                 LinearPush{n, l == 0 ? x.stride : capacity_, capacity_, hidden ? capacity_ : y.stride});
    if (c.is_modulated(l)) {
      const bool grouped = c.ray_norm && segments_.info;
      if (grouped)
        cmd.dispatch(p.segment_stats, gpu::Groups::linear(segments_.count, kGroupSize),
                     {gpu::Bind::in(*segments_.info), rows(p_, uint64_t(l) * c.width, out, gpu::Access::Read),
                      gpu::Bind::out(group_stats_)},
                     SegmentsPush{segments_.count, segments_.stride, capacity_});
      cmd.dispatch(p.normalize, gpu::Groups::linear(quads, kGroupSize),
                   {rows(p_, uint64_t(l) * c.width, out, gpu::Access::ReadWrite), gpu::Bind::in(*mod_.buffer),
                    rows(r_, l, 1, gpu::Access::Write), rows(a_, uint64_t(l) * c.width, out, gpu::Access::Write),
                    grouped ? gpu::Bind::in(*segments_.group_of) : gpu::Bind::in(unused_),
                    grouped ? gpu::Bind::in(group_stats_) : gpu::Bind::in(unused_)},
                   NormalizePush{n, capacity_, mod_.stride, l - c.first_modulated(), segments_.stride});
    }
  }
}

void Mlp::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x, uint32_t n) {
  record_backward(cmd, x, d_y, d_x, n, true);
}

void Mlp::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                         uint32_t n) {
  NF_ASSERT(d_x.buffer, "MLP backward_input needs d_x");
  record_backward(cmd, x, d_y, d_x, n, false);
}

const char* Mlp::jvp_unsupported() const {
  if (config_.modulated) return "(a CAM-modulated MLP) has no tangent pass";
  if (config_.activation != Activation::Relu && config_.activation != Activation::None)
    return "(a sine MLP) has no tangent pass: only ReLU MLPs, whose second derivative vanishes, have one";
  if (config_.output_activation != Activation::None) return "(an MLP with an output activation) has no tangent pass";
  return nullptr;
}

void Mlp::jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot, uint32_t n) {
  if (const char* why = jvp_unsupported()) fail("this MLP ", why);
  NF_ASSERT(x.dims == in_ && x_dot.dims == in_ && y_dot.dims == out_ && capacity_ >= n,
            "MLP jvp: wrong operand shapes");
  const auto& c = config_;
  for (uint32_t l = 0; l < c.layers(); ++l) {
    auto& p = layers_[l];
    if (p.linear_tangent) continue;
    const uint32_t in = c.in_dims(l, in_), out = c.out_dims(l, out_);
    const uint32_t act = uint32_t(l < c.hidden_layers ? c.activation : c.output_activation);
    p.linear_tangent = gpu::Program(ctx_, {"nn/mlp_linear", linear_bindings(in), sizeof(LinearPush), kGroupSize,
                                           {in, out, p.tile.linear_units, act, gpu::constant(float(c.omega(l))), 0u,
                                            1u, weights_as_vec4(in), 0u, 1u, p.tile.linear_quads}});
    p.weight_grad_tangent = gpu::Program(ctx_, {"nn/mlp_weight_grad",
                                                kWeightGradBindings, sizeof(WeightGradPush), grad_group_,
                                                {in, out, p.tile.grad_rows, p.tile.grad_cols, 0u}});
  }
  // The tangent activations overwrite the stored activations a_ (the weight gradients of jvp_backward read
  // them there); the pre-activations p_ (the ReLU masks) stay.
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const bool hidden = l < c.hidden_layers;
    const uint32_t out = c.out_dims(l, out_);
    const gpu::Bind in =
        l == 0 ? gpu::Bind::in(*x_dot.buffer) : rows(a_, uint64_t(l - 1) * c.width, c.width, gpu::Access::Read);
    const gpu::Bind a_out =
        hidden ? rows(a_, uint64_t(l) * c.width, out, gpu::Access::Write) : gpu::Bind::out(*y_dot.buffer);
    const Tile& t = layers_[l].tile;
    cmd.dispatch(layers_[l].linear_tangent,
                 gpu::Groups{ceil_div(n, 4 * t.linear_quads * kGroupSize), ceil_div(out, t.linear_units), 1},
                 {store().bind_values(block_index(2 * l), gpu::Access::Read),
                  store().bind_values(block_index(2 * l + 1), gpu::Access::Read), in,
                  // read only, but declared writable by the shader (its forward mode writes it)
                  rows(p_, uint64_t(l) * c.width, out, gpu::Access::ReadWrite), a_out},
                 LinearPush{n, l == 0 ? x_dot.stride : capacity_, capacity_, hidden ? capacity_ : y_dot.stride});
  }
}

bool Mlp::jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                       const BatchView& d_x, uint32_t n) {
  (void)x, (void)d_x;
  NF_ASSERT(layers_[0].weight_grad_tangent, "MLP jvp_backward before jvp");
  record_backward(cmd, x_dot, d_y_dot, BatchView{}, n, true, true);
  return false;
}

void Mlp::record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                          uint32_t n, bool param_grads, bool tangent) {
  NF_ASSERT(x.dims == in_ && d_y.dims == out_, "MLP backward: wrong operand dims");
  NF_ASSERT(!d_x.buffer || (d_x.dims == in_), "MLP backward: d_x has the wrong dims");
  NF_ASSERT(!d_x.buffer || d_x.stride % 4 == 0, "MLP backward: d_x's stride ", d_x.stride,
            " is not a multiple of 4 (use a BatchBuffer)");
  const auto& c = config_;
  const uint32_t quads = ceil_div(n, 4), octets = ceil_div(n, 8), h = c.hidden_layers;
  if (fused_) {
    const bool input_grad = d_x.buffer != nullptr;
    cmd.dispatch(fused_program(true, input_grad), gpu::Groups::linear(octets, kGroupSize),
                 {fused_params(), gpu::Bind::in(p_), gpu::Bind::in(r_),
                  gpu::Bind::in(*mod_.buffer), gpu::Bind::in(*d_y.buffer), gpu::Bind::out(dz_),
                  gpu::Bind::out(*d_mod_.buffer), input_grad ? gpu::Bind::out(*d_x.buffer) : gpu::Bind::out(unused_)},
                 FusedBackwardPush{n, capacity_, mod_.stride, d_y.stride, input_grad ? d_x.stride : capacity_});
  } else {
    for (int li = int(h); li >= 0; --li) {
      const uint32_t l = uint32_t(li), in = c.in_dims(l, in_), out = c.out_dims(l, out_);
      const bool hidden = l < h, modulated = c.is_modulated(l);
      auto& p = layers_[l];
      const gpu::Bind da = hidden ? gpu::Bind::in(da_) : gpu::Bind::in(*d_y.buffer);
      // An unmodulated hidden layer's dz came from the next layer's input gradient (DERIVATIVE).
      if (!hidden || modulated) {
        const bool grouped = modulated && c.ray_norm && segments_.info;
        const ActBackwardPush push{n, hidden ? capacity_ : d_y.stride, capacity_, mod_.stride,
                                   modulated ? l - c.first_modulated() : 0, segments_.stride};
        const gpu::Bind pre = rows(p_, uint64_t(l) * c.width, out, gpu::Access::Read);
        const gpu::Bind mod = gpu::Bind::in(*mod_.buffer);
        const gpu::Bind rstd = modulated ? rows(r_, l, 1, gpu::Access::Read) : gpu::Bind::in(unused_);
        const gpu::Bind group_of = grouped ? gpu::Bind::in(*segments_.group_of) : gpu::Bind::in(unused_);
        cmd.dispatch(p.activation_backward, gpu::Groups::linear(quads, kGroupSize),
                     {da, pre, mod, rstd, rows(dz_, uint64_t(l) * c.width, out, gpu::Access::Write),
                      modulated ? gpu::Bind::out(*d_mod_.buffer) : gpu::Bind::out(unused_),
                      grouped ? gpu::Bind::out(partials_) : gpu::Bind::in(unused_), group_of, gpu::Bind::in(unused_)},
                     push);
        if (grouped) {  // the samples of a group again, with the group's means (mlp_activation_backward, PHASE 1)
          cmd.dispatch(p.segment_means, gpu::Groups::linear(segments_.count, kGroupSize),
                       {gpu::Bind::in(*segments_.info), gpu::Bind::in(partials_), gpu::Bind::out(group_stats_)},
                       SegmentsPush{segments_.count, segments_.stride, capacity_});
          cmd.dispatch(p.activation_backward_groups, gpu::Groups::linear(quads, kGroupSize),
                       {da, pre, mod, rstd, rows(dz_, uint64_t(l) * c.width, out, gpu::Access::ReadWrite),
                        gpu::Bind::in(unused_), gpu::Bind::in(unused_), group_of, gpu::Bind::in(group_stats_)},
                       push);
        }
      }
      if (l == 0 && !d_x.buffer) continue;
      const bool derivative = l > 0 && !c.is_modulated(l - 1);
      const gpu::Bind target = l == 0      ? gpu::Bind::out(*d_x.buffer)
                               : derivative ? rows(dz_, uint64_t(l - 1) * c.width, c.width, gpu::Access::Write)
                                            : gpu::Bind::out(da_);
      cmd.dispatch(p.input_grad,
                   gpu::Groups{ceil_div(n, 4 * kInputGradQuads * kGroupSize), ceil_div(in, p.tile.input_grad_units), 1},
                   {store().bind_values(block_index(2 * l), gpu::Access::Read),
                    rows(dz_, uint64_t(l) * c.width, out, gpu::Access::Read), target,
                    derivative ? rows(p_, uint64_t(l - 1) * c.width, c.width, gpu::Access::Read)
                               : gpu::Bind::in(unused_)},
                   InputGradPush{n, capacity_, l == 0 ? d_x.stride : capacity_});
    }
  }
  if (!param_grads) return;
  // Weight gradients: a reduction over samples per layer, in chunks of samples: on CPU devices of
  // kGradChunkCpu (a chunk's rows stay in the cache while every block of weights reads them), on GPUs up to
  // 64 chunks for parallelism.
  const bool cpu = ctx_.info().type == VK_PHYSICAL_DEVICE_TYPE_CPU;
  const uint32_t pass = 8 * grad_group_;  // samples a workgroup takes at a time
  const uint32_t wanted = cpu ? ceil_div(n, kGradChunkCpu) : std::max<uint32_t>(1, std::min<uint32_t>(64, octets / 256));
  const uint32_t chunk = std::max<uint32_t>(1, ceil_div(ceil_div(n, wanted), pass)) * pass;
  const uint32_t chunks = std::max<uint32_t>(1, ceil_div(n, chunk));
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const uint32_t in = c.in_dims(l, in_), out = c.out_dims(l, out_);

    // The layer's input: x, the previous layer's activations, or (tangent: its tangents, also in a_) its
    // pre-activations where the forward pass did not store the activations (the kernel applies the ReLU).
    const gpu::Bind a_in = l == 0 ? gpu::Bind::in(*x.buffer)
                           : rows(tangent || stores_activations(l - 1) ? a_ : p_, uint64_t(l - 1) * c.width, c.width,
                                  gpu::Access::Read);
    cmd.dispatch(tangent ? layers_[l].weight_grad_tangent : layers_[l].weight_grad,
                 gpu::Groups{ceil_div(out, layers_[l].tile.grad_rows), ceil_div(in, layers_[l].tile.grad_cols), chunks},
                 {rows(dz_, uint64_t(l) * c.width, out, gpu::Access::Read), a_in,
                  store().bind_gradients(block_index(2 * l), gpu::Access::ReadWrite),
                  store().bind_gradients(block_index(2 * l + 1), gpu::Access::ReadWrite)},
                 WeightGradPush{n, capacity_, l == 0 ? x.stride : capacity_, chunk});
  }
}

}  // namespace nf::nn
