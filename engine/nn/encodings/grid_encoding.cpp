#include "nn/encodings/grid_encoding.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;

struct ForwardPush {
  uint32_t n, stride_x, stride_f, stride_t;
};
struct BackwardPush {
  uint32_t n, stride_x, stride_f, stride_dx;
};

}  // namespace

GridEncoding::GridEncoding(gpu::Context& ctx, uint32_t dims, std::string name, const std::string& kernel,
                           const std::vector<uint32_t>& constants, std::span<const uint32_t> table)
    : dims_(dims), name_(std::move(name)), level_table_(ctx, table.size_bytes(), name_ + " levels") {
  level_table_.upload(table);
  auto with = [&](std::initializer_list<uint32_t> extra) {
    auto c = constants;
    c.insert(c.end(), extra);
    return c;
  };
  const auto forward = kernel + "_forward";
  // The forward kernels gather the grid values as float texels (shaders/include/common.glsl, NF_TEXEL4) and
  // read the level table from a uniform buffer.
  const auto S = gpu::BindingKind::Storage;
  const std::vector<gpu::BindingKind> forward_bindings{gpu::BindingKind::FloatTexel, gpu::BindingKind::Uniform, S, S,
                                                       S};
  forward_ = gpu::Program(ctx, {forward, forward_bindings, sizeof(ForwardPush), kGroupSize, with({0})});
  jvp_ = gpu::Program(ctx, {forward, forward_bindings, sizeof(ForwardPush), kGroupSize, with({1})});
  const auto backward = kernel + "_backward";
  const uint32_t modes[3][2] = {{1, 0}, {1, 1}, {0, 1}};  // (PARAM_GRAD, INPUT_GRAD) of record_backward's modes
  for (int m = 0; m < 3; ++m)
    backward_[m] = gpu::Program(ctx, {backward, std::vector(7, gpu::BindingKind::Storage), sizeof(BackwardPush),
                                      kGroupSize, with({modes[m][0], modes[m][1], 0})});
  jvp_backward_ = gpu::Program(ctx, {backward, std::vector(7, gpu::BindingKind::Storage), sizeof(BackwardPush),
                                     kGroupSize, with({1, 0, 1})});
}

void GridEncoding::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && y.dims == output_dims(), name_, " forward: wrong operand dims");
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(level_table_),
                gpu::Bind::in(*x.buffer), gpu::Bind::out(*y.buffer), gpu::Bind::in(*x.buffer)},
               ForwardPush{n, x.stride, y.stride, 0});
}

void GridEncoding::jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
                       uint32_t n) {
  NF_ASSERT(x.dims == dims_ && x_dot.dims == dims_ && y_dot.dims == output_dims(), name_,
            " jvp: wrong operand shapes");
  cmd.dispatch(jvp_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(level_table_),
                gpu::Bind::in(*x.buffer), gpu::Bind::out(*y_dot.buffer), gpu::Bind::in(*x_dot.buffer)},
               ForwardPush{n, x.stride, y_dot.stride, x_dot.stride});
}

bool GridEncoding::jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot,
                                const BatchView& d_y_dot, const BatchView& d_x, uint32_t n) {
  NF_ASSERT(!d_x.buffer, name_, " jvp_backward: dL/dx is not offered");
  NF_ASSERT(x.dims == dims_ && x_dot.dims == dims_ && d_y_dot.dims == output_dims(), name_,
            " jvp_backward: wrong operand shapes");
  const gpu::Bind values = store().bind_values(block_index(0), gpu::Access::Read);
  cmd.dispatch(jvp_backward_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_gradients(block_index(0), gpu::Access::ReadWrite), gpu::Bind::in(level_table_),
                gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y_dot.buffer), values, gpu::Bind::in(*x.buffer),
                gpu::Bind::in(*x_dot.buffer)},
               BackwardPush{n, x.stride, d_y_dot.stride, x_dot.stride});
  return false;
}

void GridEncoding::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                            uint32_t n) {
  record_backward(cmd, x, d_y, d_x, n, d_x.buffer ? 1 : 0);
}

void GridEncoding::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y,
                                  const BatchView& d_x, uint32_t n) {
  NF_ASSERT(d_x.buffer, name_, " backward_input needs d_x");
  record_backward(cmd, x, d_y, d_x, n, 2);
}

void GridEncoding::record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y,
                                   const BatchView& d_x, uint32_t n, int mode) {
  NF_ASSERT(x.dims == dims_ && d_y.dims == output_dims() && (!d_x.buffer || d_x.dims == dims_), name_,
            " backward: wrong operand dims");
  // Bindings a mode does not use get a harmless read-only stand-in.
  const gpu::Bind values = store().bind_values(block_index(0), gpu::Access::Read);
  cmd.dispatch(backward_[mode], gpu::Groups::linear(n, kGroupSize),
               {mode == 2 ? values : store().bind_gradients(block_index(0), gpu::Access::ReadWrite),
                gpu::Bind::in(level_table_), gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer), values,
                d_x.buffer ? gpu::Bind::out(*d_x.buffer) : gpu::Bind::in(*x.buffer), gpu::Bind::in(*x.buffer)},
               BackwardPush{n, x.stride, d_y.stride, d_x.buffer ? d_x.stride : 0});
}

}  // namespace nf::nn
