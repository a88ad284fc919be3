#include "nn/networks/rbf.hpp"

#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;

struct RbfPush {
  uint32_t n;
  uint32_t stride_f;
  uint32_t stride_y;
  uint32_t k0;
};

}  // namespace

// Floats of the uniform buffer of shaders/include/rbf.glsl.
uint32_t prepared_floats(uint32_t k, uint32_t d, uint32_t o) {
  const uint32_t dv = (d + 1) / 2, ov = (o + 3) / 4;
  return 4 * (k * dv + k * ov + ov);
}

Rbf::Rbf(gpu::Context& ctx, uint32_t input_dims, uint32_t output_dims, RbfConfig config)
    : ctx_(&ctx), d_(input_dims), o_(output_dims), config_(config) {
  const uint32_t k = config_.neurons;
  NF_ASSERT(k >= 1 && k <= 64 && d_ >= 1 && d_ <= 64 && o_ >= 1 && o_ <= 64,
            "the RBF layer supports 1 to 64 neurons, input features and outputs");
  const uint32_t vec4s = prepared_floats(k, d_, o_) / 4;
  NF_ASSERT(uint64_t(vec4s) * 16 <= ctx.info().max_uniform_buffer_range, "RBF parameters exceed the device's ",
            ctx.info().max_uniform_buffer_range, "-byte uniform buffers");
  prepared_ = gpu::Buffer(ctx, uint64_t(vec4s) * 16, "rbf prepared");
  // The backward pass unrolls a block of neurons (a divisor of K) and keeps one sum per (neuron, input)
  // and (neuron, output) of the block in private arrays; every block re-reads F, dL/dy and dL/dF. Measured
  // on lavapipe for the image shape (D = 18, O = 3, 2^18 samples), idle machine, back to back: blocks of
  // 16 took 129-135 ms a step and blocks of 32 100-103 ms (steps 0.26-0.29 s -> 0.215-0.221 s); 64 was
  // faster still in older measurements (178 ms against 201 ms at 32) but takes ~4 min of LLVM to compile
  // cold, 32 ~1 min (once: the driver caches compiled pipelines on disk), 16 ~10 s. So at most 32
  // neurons, and fewer when the sums would not fit (many inputs or outputs).
  block_ = std::max<uint32_t>(1, std::min<uint32_t>(k, 1280 / (2 * d_ + o_)));
  block_ = std::min<uint32_t>(block_, 32);
  while (k % block_) --block_;
  // The tangent's backward keeps more per-sample values (F_dot, s_k): at most 8 neurons (measured on
  // lavapipe for sdf-rbf's shape, K = 64, D = 16: a cold pipeline compile of ~30 s at 16 neurons, ~14 s at 8,
  // and no slower to run: 19 against 18 steps/s on the CI-sized eikonal run of spot).
  tangent_block_ = std::max<uint32_t>(1, std::min<uint32_t>(block_, 16) / 2);
  while (k % tangent_block_) --tangent_block_;
  // CPUs: few invocations, each summing many samples (few atomics). GPUs: enough to fill the device.
  backward_invocations_ = ctx.info().type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 512 : 32768;

  prepare_ = gpu::Program(ctx, {"nn/rbf_prepare", std::vector(5, gpu::BindingKind::Storage), 0, kGroupSize,
                                {k, d_, o_}});
  forward_ = forward_program(ctx, false);
  backward_ = backward_program(ctx, false);
  std::vector<gpu::BindingKind> input_grad(4, gpu::BindingKind::Storage);
  input_grad[0] = gpu::BindingKind::Uniform;
  input_grad_ = gpu::Program(ctx, {"nn/rbf_input_grad", input_grad, 12, kGroupSize, {k, d_, o_}});
}

gpu::Program Rbf::forward_program(gpu::Context& ctx, bool tangent) const {
  std::vector<gpu::BindingKind> bindings(4, gpu::BindingKind::Storage);
  bindings[0] = gpu::BindingKind::Uniform;
  return gpu::Program(ctx, {"nn/rbf_forward", bindings, 12, kGroupSize, {config_.neurons, d_, o_, tangent ? 1u : 0u}});
}

gpu::Program Rbf::backward_program(gpu::Context& ctx, bool tangent) const {
  std::vector<gpu::BindingKind> bindings(9, gpu::BindingKind::Storage);
  bindings[0] = gpu::BindingKind::Uniform;
  return gpu::Program(ctx, {"nn/rbf_backward", bindings,
                            sizeof(RbfPush), kGroupSize,
                            {config_.neurons, d_, o_, tangent ? tangent_block_ : block_, tangent ? 1u : 0u}});
}

json Rbf::config() const {
  return {{"type", "rbf"},
          {"neurons", config_.neurons},
          {"centre_init", config_.centre_init},
          {"log_precision_init", config_.log_precision_init}};
}

std::vector<ParamBlock> Rbf::parameter_blocks() const {
  const uint32_t k = config_.neurons;
  return {{"centres", k * d_, "network"},
          {"log_precision", k * d_, "network"},
          {"weights", o_ * k, "network"},
          {"bias", o_, "network"}};
}

SampleCost Rbf::training_cost() const {
  // Forward: 3 flops per (k, d) for z, 1 exp per k, 2 per (k, o). Backward recomputes z and phi, then per
  // (k, o) 2 for dphi and 2 for dL/dW, per (k, d) 1 + 2 + 2 for dL/dmu, dL/drho and dL/dF.
  const double k = config_.neurons, d = d_, o = o_, blocks = std::ceil(k / block_);
  SampleCost c;
  c.flops = (3 * k * d + k + 2 * k * o) + (3 * k * d + k + 4 * k * o + 1 + 6 * k * d);
  // Each block dispatch reads F (and y or dL/dF after the first block), writes y or dL/dF; backward reads dy.
  c.bytes = 4.0 * (blocks * (d + 2 * o) - o) + 4.0 * (blocks * (d + o + 2 * d) - d);
  return c;
}

void Rbf::initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const {
  for (float& v : blocks[0]) v = float(rng.uniform(-config_.centre_init, config_.centre_init));
  for (float& v : blocks[1]) v = float(config_.log_precision_init);
  const double bound = 1.0 / std::sqrt(double(config_.neurons));
  for (float& v : blocks[2]) v = float(rng.uniform(-bound, bound));
  for (float& v : blocks[3]) v = float(rng.uniform(-bound, bound));
}

void Rbf::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(x.dims == d_ && y.dims == o_, "RBF forward: wrong operand dims");
  NF_ASSERT(x.stride % 4 == 0 && y.stride % 4 == 0, "RBF forward: strides must be multiples of 4 (rows are vec4)");
  const uint32_t floats = prepared_floats(config_.neurons, d_, o_);
  cmd.dispatch(prepare_, gpu::Groups::linear(floats, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read),
                store().bind_values(block_index(1), gpu::Access::Read),
                store().bind_values(block_index(2), gpu::Access::Read),
                store().bind_values(block_index(3), gpu::Access::Read), gpu::Bind::out(prepared_)});
  const RbfPush push{n, x.stride, y.stride, 0};
  cmd.dispatch(forward_, gpu::Groups::linear((uint64_t(n) + 7) / 8, kGroupSize),
               {gpu::Bind::in(prepared_), gpu::Bind::in(*x.buffer), gpu::Bind::out(*y.buffer),
                gpu::Bind::in(*x.buffer)},
               &push, 12);
}

void Rbf::jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot, uint32_t n) {
  NF_ASSERT(x.dims == d_ && x_dot.dims == d_ && x_dot.stride == x.stride && x.stride % 4 == 0 && y_dot.dims == o_ &&
                y_dot.stride % 4 == 0,
            "RBF jvp: wrong operand shapes");
  if (!jvp_) {  // compiled on first use: the tangent backward takes seconds to compile on CPU devices
    jvp_ = forward_program(*ctx_, true);
    jvp_backward_ = backward_program(*ctx_, true);
  }
  const RbfPush push{n, x.stride, y_dot.stride, 0};
  cmd.dispatch(jvp_, gpu::Groups::linear((uint64_t(n) + 7) / 8, kGroupSize),
               {gpu::Bind::in(prepared_), gpu::Bind::in(*x.buffer), gpu::Bind::out(*y_dot.buffer),
                gpu::Bind::in(*x_dot.buffer)},
               &push, 12);
}

bool Rbf::jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                       const BatchView& d_x, uint32_t n) {
  NF_ASSERT(jvp_, "RBF jvp_backward before jvp");
  NF_ASSERT(d_x.buffer && d_x.dims == d_ && d_x.stride == x.stride && x_dot.stride == x.stride && d_y_dot.dims == o_ &&
                x.stride % 4 == 0 && d_y_dot.stride % 4 == 0,
            "RBF jvp_backward: wrong operand shapes (strides are multiples of 4)");
  record_backward(cmd, jvp_backward_, tangent_block_, x, d_y_dot, d_x, &x_dot, n);
  return true;
}

void Rbf::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                         uint32_t n) {
  NF_ASSERT(d_x.buffer && d_x.dims == d_ && d_x.stride == x.stride && x.stride % 4 == 0 && d_y.dims == o_ &&
                d_y.stride % 4 == 0,
            "RBF backward_input: wrong operand shapes (x and d_x share a stride; strides are multiples of 4)");
  const RbfPush push{n, x.stride, d_y.stride, 0};
  cmd.dispatch(input_grad_, gpu::Groups::linear((uint64_t(n) + 3) / 4, kGroupSize),
               {gpu::Bind::in(prepared_), gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer),
                gpu::Bind::out(*d_x.buffer)},
               &push, 12);
}

void Rbf::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x, uint32_t n) {
  NF_ASSERT(d_x.buffer && d_x.dims == d_, "RBF backward needs a d_x buffer of ", d_, " features");
  NF_ASSERT(d_x.stride == x.stride && x.stride % 4 == 0 && d_y.stride % 4 == 0,
            "RBF backward: x and d_x must share a stride; strides must be multiples of 4 (rows are vec4)");
  record_backward(cmd, backward_, block_, x, d_y, d_x, nullptr, n);
}

void Rbf::record_backward(gpu::CommandList& cmd, const gpu::Program& program, uint32_t block, const BatchView& x,
                          const BatchView& d_y, const BatchView& d_x, const BatchView* x_dot, uint32_t n) {
  const uint32_t quads = (n + 3) / 4;
  const uint32_t groups = std::max<uint32_t>(1, std::min(backward_invocations_, quads) / kGroupSize);
  for (uint32_t k0 = 0; k0 < config_.neurons; k0 += block)
    cmd.dispatch(program, gpu::Groups{groups, 1, 1},
                 {gpu::Bind::in(prepared_), gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer),
                  k0 == 0 ? gpu::Bind::out(*d_x.buffer) : gpu::Bind::inout(*d_x.buffer),
                  store().bind_gradients(block_index(0), gpu::Access::ReadWrite),
                  store().bind_gradients(block_index(1), gpu::Access::ReadWrite),
                  store().bind_gradients(block_index(2), gpu::Access::ReadWrite),
                  store().bind_gradients(block_index(3), gpu::Access::ReadWrite),
                  gpu::Bind::in(x_dot ? *x_dot->buffer : *x.buffer)},
                 RbfPush{n, x.stride, d_y.stride, k0});
}

}  // namespace nf::nn
