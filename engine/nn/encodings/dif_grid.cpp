#include "nn/encodings/dif_grid.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;

struct GridPush {
  uint32_t n;
  uint32_t stride_x;
  uint32_t stride_f;
  uint32_t stride_t;
};
struct BackwardPush {
  uint32_t n, stride_x, stride_f, stride_dx;
};

}  // namespace

uint32_t DifGridConfig::features() const {
  uint32_t f = 0;
  for (uint32_t c : channels) f += c;
  return f;
}

uint64_t DifGridConfig::level_cells(size_t level, uint32_t dims) const {
  uint64_t cells = 1;
  for (uint32_t a = 0; a < dims; ++a) cells *= resolutions[level];
  return cells;
}

uint64_t DifGridConfig::parameters(uint32_t dims) const {
  uint64_t n = 0;
  for (size_t l = 0; l < resolutions.size(); ++l) n += level_cells(l, dims) * channels[l];
  return n;
}

DifGrid::DifGrid(gpu::Context& ctx, uint32_t dims, DifGridConfig config)
    : dims_(dims), config_(std::move(config)), levels_(ctx, config_.resolutions.size() * 16, "dif_grid levels") {
  NF_ASSERT(dims == 2 || dims == 3, "the DiF-grid encodes 2D or 3D coordinates");
  NF_ASSERT(config_.resolutions.size() == config_.channels.size() && !config_.resolutions.empty(),
            "DiF-grid needs one channel count per resolution");
  std::vector<uint32_t> table;
  uint32_t offset = 0, feature = 0;
  for (size_t l = 0; l < config_.resolutions.size(); ++l) {
    table.insert(table.end(), {config_.resolutions[l], config_.channels[l], offset, feature});
    offset += uint32_t(config_.level_cells(l, dims) * config_.channels[l]);
    feature += config_.channels[l];
  }
  levels_.upload(std::span<const uint32_t>(table));
  const std::vector<uint32_t> constants = {dims, uint32_t(config_.resolutions.size())};
  auto with = [&](std::initializer_list<uint32_t> extra) {
    auto c = constants;
    c.insert(c.end(), extra);
    return c;
  };
  forward_ = gpu::Program(ctx, {"nn/dif_grid_forward", std::vector(5, gpu::BindingKind::Storage),
                                sizeof(GridPush), kGroupSize, with({0})});
  jvp_ = gpu::Program(ctx, {"nn/dif_grid_forward", std::vector(5, gpu::BindingKind::Storage),
                            sizeof(GridPush), kGroupSize, with({1})});
  const char* backward = ctx.features().float_atomic_add ? "nn/dif_grid_backward" : "nn/dif_grid_backward@cas";
  // [0]: parameter gradients, [1]: parameter and input gradients, [2]: input gradients only.
  const uint32_t modes[3][2] = {{1, 0}, {1, 1}, {0, 1}};
  for (int m = 0; m < 3; ++m)
    backward_[m] = gpu::Program(ctx, {backward, std::vector(7, gpu::BindingKind::Storage), sizeof(BackwardPush),
                                      kGroupSize, with({modes[m][0], modes[m][1], 0})});
  jvp_backward_ = gpu::Program(ctx, {backward, std::vector(7, gpu::BindingKind::Storage), sizeof(BackwardPush),
                                     kGroupSize, with({1, 0, 1})});
}

json DifGrid::config() const {
  return {{"type", "dif_grid"},
          {"resolutions", config_.resolutions},
          {"channels", config_.channels},
          {"init_std", config_.init_std}};
}

std::vector<ParamBlock> DifGrid::parameter_blocks() const {
  return {{"grid", uint32_t(config_.parameters(dims_)), "encoding"}};
}

SampleCost DifGrid::training_cost() const {
  // Per level and pass: ~12 flops per axis for the mapping, dims products per corner weight; forward
  // 2 flops per tap and channel, backward 2 (multiply, atomic add). Bytes: x, F or dF, 4-byte gathers
  // (forward) and 4-byte read-modify-writes (backward) per tap.
  const double corners = double(1u << dims_);
  SampleCost c;
  for (uint32_t ch : config_.channels) {
    const double setup = 12.0 * dims_ + corners * dims_;
    c.flops += 2 * setup + corners * ch * 2 + corners * ch * 2;
    c.bytes += corners * ch * 4 + corners * ch * 8;
  }
  c.bytes += 2 * 4.0 * dims_ + 2 * 4.0 * config_.features();
  return c;
}

void DifGrid::initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const {
  for (float& v : blocks[0]) v = float(rng.normal() * config_.init_std);
}

void DifGrid::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && y.dims == output_dims(), "DiF-grid forward: wrong operand dims");
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(levels_),
                gpu::Bind::in(*x.buffer), gpu::Bind::out(*y.buffer), gpu::Bind::in(*x.buffer)},
               GridPush{n, x.stride, y.stride, 0});
}

void DifGrid::jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
                  uint32_t n) {
  NF_ASSERT(x.dims == dims_ && x_dot.dims == dims_ && y_dot.dims == output_dims(),
            "DifGrid jvp: wrong operand shapes");
  cmd.dispatch(jvp_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(levels_),
                gpu::Bind::in(*x.buffer), gpu::Bind::out(*y_dot.buffer), gpu::Bind::in(*x_dot.buffer)},
               GridPush{n, x.stride, y_dot.stride, x_dot.stride});
}

bool DifGrid::jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                        const BatchView& d_x, uint32_t n) {
  NF_ASSERT(!d_x.buffer, "DifGrid jvp_backward: dL/dx is not offered");
  NF_ASSERT(x.dims == dims_ && x_dot.dims == dims_ && d_y_dot.dims == output_dims(),
            "DifGrid jvp_backward: wrong operand shapes");
  const gpu::Bind values = store().bind_values(block_index(0), gpu::Access::Read);
  cmd.dispatch(jvp_backward_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_gradients(block_index(0), gpu::Access::ReadWrite), gpu::Bind::in(levels_),
                gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y_dot.buffer), values, gpu::Bind::in(*x.buffer),
                gpu::Bind::in(*x_dot.buffer)},
               BackwardPush{n, x.stride, d_y_dot.stride, x_dot.stride});
  return false;
}

void DifGrid::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                       uint32_t n) {
  record_backward(cmd, x, d_y, d_x, n, d_x.buffer ? 1 : 0);
}

void DifGrid::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                             uint32_t n) {
  NF_ASSERT(d_x.buffer, "DiF-grid backward_input needs d_x");
  record_backward(cmd, x, d_y, d_x, n, 2);
}

void DifGrid::record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                              uint32_t n, int mode) {
  NF_ASSERT(x.dims == dims_ && d_y.dims == output_dims() && (!d_x.buffer || d_x.dims == dims_),
            "DiF-grid backward: wrong operand dims");
  // Bindings a mode does not use get a harmless read-only stand-in.
  const gpu::Bind grid = store().bind_values(block_index(0), gpu::Access::Read);
  cmd.dispatch(backward_[mode], gpu::Groups::linear(n, kGroupSize),
               {mode == 2 ? grid : store().bind_gradients(block_index(0), gpu::Access::ReadWrite),
                gpu::Bind::in(levels_), gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer), grid,
                d_x.buffer ? gpu::Bind::out(*d_x.buffer) : gpu::Bind::in(*x.buffer), gpu::Bind::in(*x.buffer)},
               BackwardPush{n, x.stride, d_y.stride, d_x.buffer ? d_x.stride : 0});
}

}  // namespace nf::nn
