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
};

}  // namespace

Rbf::Rbf(gpu::Context& ctx, uint32_t input_dims, uint32_t output_dims, RbfConfig config)
    : d_(input_dims), o_(output_dims), config_(config), prepared_(ctx, uint64_t(config.neurons) * input_dims * 8, "rbf prepared") {
  const uint32_t k = config_.neurons;
  NF_ASSERT(k >= 1 && k <= kGroupSize, "the RBF layer supports 1 to ", kGroupSize, " neurons");
  NF_ASSERT(o_ >= 1 && o_ <= kGroupSize, "the RBF layer supports 1 to ", kGroupSize, " outputs");
  NF_ASSERT(d_ >= 1 && d_ <= 64, "the RBF layer supports 1 to 64 input features");
  // Shared memory of the backward pass: phi (K x (TILE + 1)) + F (D x TILE) + dy (O x TILE) floats.
  const uint32_t shared = std::min<uint32_t>(ctx.info().max_shared_memory, 32768);
  tile_ = kGroupSize;
  while (tile_ > 8 && 4u * (k * (tile_ + 1) + (d_ + o_) * tile_) > shared) tile_ /= 2;
  // Workgroups that loop over tiles: few on CPUs (fewer atomics), many on GPUs (occupancy).
  backward_groups_cap_ = ctx.info().type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 32 : 4096;

  const bool native = ctx.features().float_atomic_add;
  prepare_ = gpu::Program(ctx, {"nn/rbf_prepare", std::vector(3, gpu::BindingKind::Storage), 4, kGroupSize, {}});
  forward_ = gpu::Program(ctx, {"nn/rbf_forward", std::vector(5, gpu::BindingKind::Storage), sizeof(RbfPush),
                                kGroupSize, {k, d_, o_}});
  backward_ = gpu::Program(ctx, {native ? "nn/rbf_backward" : "nn/rbf_backward@cas",
                                 std::vector(9, gpu::BindingKind::Storage), sizeof(RbfPush), kGroupSize,
                                 {k, d_, o_, tile_}});
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
  // Forward: 3 flops per (k, d) for z, 1 exp, 2 per (k, o). Backward recomputes z and phi (phase A),
  // 2 per (k, o) for dphi, 3 per (k, d) for dL/dF; phase B 4 per (k, d) and 4 per (k, o).
  const double k = config_.neurons, d = d_, o = o_;
  SampleCost c;
  c.flops = (3 * k * d + k + 2 * k * o) + (3 * k * d + k + 2 * k * o + 1 + 3 * k * d) + (4 * k * d + 4 * k * o + k);
  c.bytes = 4.0 * (d + o) + 4.0 * (d + o + d);
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
  const uint32_t count = config_.neurons * d_;
  cmd.dispatch(prepare_, gpu::Groups::linear(count, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read),
                store().bind_values(block_index(1), gpu::Access::Read), gpu::Bind::out(prepared_)},
               count);
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(prepared_), store().bind_values(block_index(2), gpu::Access::Read),
                store().bind_values(block_index(3), gpu::Access::Read), gpu::Bind::in(*x.buffer),
                gpu::Bind::out(*y.buffer)},
               RbfPush{n, x.stride, y.stride});
}

void Rbf::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x, uint32_t n) {
  NF_ASSERT(d_x.buffer && d_x.dims == d_, "RBF backward needs a d_x buffer of ", d_, " features");
  const uint32_t tiles = (n + tile_ - 1) / tile_;
  const uint32_t groups = std::max(1u, std::min(tiles, backward_groups_cap_));
  cmd.dispatch(backward_, gpu::Groups{groups, 1, 1},
               {gpu::Bind::in(prepared_), store().bind_values(block_index(2), gpu::Access::Read),
                gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer), gpu::Bind::out(*d_x.buffer),
                store().bind_gradients(block_index(0), gpu::Access::ReadWrite),
                store().bind_gradients(block_index(1), gpu::Access::ReadWrite),
                store().bind_gradients(block_index(2), gpu::Access::ReadWrite),
                store().bind_gradients(block_index(3), gpu::Access::ReadWrite)},
               RbfPush{n, x.stride, d_y.stride});
}

}  // namespace nf::nn
