#include "nn/modulations/cam.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;

struct Push {
  uint32_t n, stride_x, stride_mod;
};
struct BackwardPush {
  uint32_t n, stride_x, stride_mod, stride_dx;
};
struct GroupsPush {
  uint32_t groups, group_stride, stride_x, stride_mod;
};

}  // namespace

CamGrids::CamGrids(gpu::Context& ctx, uint32_t dims, uint32_t output_dims, CamConfig config)
    : dims_(dims), layers_(output_dims / 2), config_(config) {
  NF_ASSERT(dims >= 1 && dims <= 3 && output_dims % 2 == 0 && output_dims > 0, "CAM: bad shape");
  const auto& r = config_.resolution.axis;
  const std::vector<uint32_t> constants = {dims, r[0], layers_};
  auto forward = constants;
  forward.insert(forward.end(), {r[1], r[2]});
  forward_ = gpu::Program(ctx, {"nn/cam_forward", std::vector(3, gpu::BindingKind::Storage), sizeof(Push), kGroupSize,
                                forward});
  const char* backward = "nn/cam_backward";
  // [0]: parameter gradients, [1]: parameter and input gradients, [2]: input gradients only.
  const uint32_t modes[3][2] = {{1, 0}, {1, 1}, {0, 1}};
  for (int m = 0; m < 3; ++m) {
    auto c = constants;
    c.insert(c.end(), {modes[m][0], modes[m][1], r[1], r[2], 0u});
    backward_[m] = gpu::Program(ctx, {backward, std::vector(6, gpu::BindingKind::Storage), sizeof(BackwardPush),
                                      kGroupSize, c});
  }
  auto ungrouped = constants;
  ungrouped.insert(ungrouped.end(), {1u, 0u, r[1], r[2], 1u});
  backward_ungrouped_ = gpu::Program(ctx, {backward, std::vector(6, gpu::BindingKind::Storage), sizeof(BackwardPush),
                                           kGroupSize, ungrouped});
  backward_groups_ = gpu::Program(ctx, {"nn/cam_backward_groups",
                                        std::vector(4, gpu::BindingKind::Storage), sizeof(GroupsPush), kGroupSize, forward});
}

uint64_t CamResolution::cells(uint32_t dims) const {
  uint64_t c = 1;
  for (uint32_t a = 0; a < dims; ++a) c *= axis[a];
  return c;
}

uint64_t CamGrids::cells() const { return config_.resolution.cells(dims_); }

json CamGrids::config() const {
  const auto& r = config_.resolution.axis;
  bool square = true;
  for (uint32_t a = 1; a < dims_; ++a) square &= r[a] == r[0];
  json res = square ? json(r[0]) : json(std::vector<uint32_t>(r.begin(), r.begin() + dims_));
  return {{"type", "cam"}, {"resolution", res}, {"lr_scale", config_.lr_scale}};
}

std::vector<ParamBlock> CamGrids::parameter_blocks() const {
  ParamBlock b{"grids", uint32_t(layers_ * cells() * 2), "network"};
  b.lr_scale = float(config_.lr_scale);
  return {b};
}

SampleCost CamGrids::training_cost() const {
  const double corners = double(1u << dims_);
  return {layers_ * corners * 8.0 + 20.0 * dims_, 4.0 * dims_ * 2 + layers_ * (corners * 24.0 + 16.0)};
}

void CamGrids::initialize(std::span<const std::span<float>> blocks, Pcg32&) const {
  for (size_t i = 0; i < blocks[0].size(); ++i) blocks[0][i] = i % 2 == 0 ? 1.0f : 0.0f;
}

void CamGrids::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && y.dims == output_dims(), "CAM forward: wrong operand dims");
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(*x.buffer),
                gpu::Bind::out(*y.buffer)},
               Push{n, x.stride, y.stride});
}

void CamGrids::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                        uint32_t n) {
  record_backward(cmd, x, d_y, d_x, n, d_x.buffer ? 1 : 0);
}

void CamGrids::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                              uint32_t n) {
  NF_ASSERT(d_x.buffer, "CAM backward_input needs d_x");
  record_backward(cmd, x, d_y, d_x, n, 2);
}

void CamGrids::record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                               uint32_t n, int mode) {
  NF_ASSERT(x.dims == dims_ && d_y.dims == output_dims() && (!d_x.buffer || d_x.dims == dims_),
            "CAM backward: wrong operand dims");
  // Bindings a mode does not use get a harmless read-only stand-in.
  const gpu::Bind grids = store().bind_values(block_index(0), gpu::Access::Read);
  const bool grouped = mode == 0 && groups_.info;
  cmd.dispatch(grouped ? backward_ungrouped_ : backward_[mode], gpu::Groups::linear(n, kGroupSize),
               {mode == 2 ? grids : store().bind_gradients(block_index(0), gpu::Access::ReadWrite),
                gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer), grids,
                d_x.buffer ? gpu::Bind::inout(*d_x.buffer) : gpu::Bind::in(*x.buffer),
                grouped ? gpu::Bind::in(*groups_.group_of) : gpu::Bind::in(*x.buffer)},
               BackwardPush{n, x.stride, d_y.stride, d_x.buffer ? d_x.stride : 0});
  if (grouped)
    cmd.dispatch(backward_groups_, gpu::Groups::linear(groups_.count, kGroupSize),
                 {store().bind_gradients(block_index(0), gpu::Access::ReadWrite), gpu::Bind::in(*x.buffer),
                  gpu::Bind::in(*d_y.buffer), gpu::Bind::in(*groups_.info)},
                 GroupsPush{groups_.count, groups_.stride, x.stride, d_y.stride});
}

namespace {

// Calls visit(cell, weight, d weight / dx (dims values)) for every corner of sample x.
template <class Visit>
void for_each_corner(uint32_t dims, const CamResolution& resolution, const double* x, Visit visit) {
  const auto& res = resolution.axis;
  uint64_t lo[3] = {}, hi[3] = {};
  double w[3] = {}, dw[3] = {};
  for (uint32_t a = 0; a < dims; ++a) {
    const double unclamped = (x[a] + 1.0) * 0.5 * (res[a] - 1);
    const double ix = std::clamp(unclamped, 0.0, double(res[a] - 1));
    const double f = std::floor(ix);
    lo[a] = uint64_t(f);
    hi[a] = std::min<uint64_t>(lo[a] + 1, res[a] - 1);
    w[a] = ix - f;
    dw[a] = unclamped > 0 && unclamped < res[a] - 1 ? 0.5 * (res[a] - 1) : 0.0;
  }
  for (uint32_t k = 0; k < (1u << dims); ++k) {
    uint64_t cell = 0;
    double weight = 1, dweight[3] = {1, 1, 1};
    for (int a = int(dims) - 1; a >= 0; --a) {
      const bool upper = (k >> a) & 1u;
      cell = cell * res[a] + (upper ? hi[a] : lo[a]);
      weight *= upper ? w[a] : 1.0 - w[a];
      for (int b = 0; b < int(dims); ++b) dweight[b] *= b == a ? (upper ? dw[a] : -dw[a]) : (upper ? w[a] : 1.0 - w[a]);
    }
    visit(cell, weight, dweight);
  }
}

}  // namespace

std::vector<double> cam_reference_forward(uint32_t dims, const CamResolution& res, uint32_t layers,
                                          std::span<const double> grids, std::span<const double> x) {
  const size_t n = x.size() / dims;
  const uint64_t cells = res.cells(dims);
  std::vector<double> out(n * 2 * layers, 0.0);
  for (size_t i = 0; i < n; ++i)
    for_each_corner(dims, res, &x[i * dims], [&](uint64_t cell, double w, const double*) {
      for (uint32_t l = 0; l < layers; ++l)
        for (uint32_t c = 0; c < 2; ++c) out[i * 2 * layers + 2 * l + c] += w * grids[(l * cells + cell) * 2 + c];
    });
  return out;
}

std::vector<double> cam_reference_backward(uint32_t dims, const CamResolution& res, uint32_t layers,
                                           std::span<const double> grids, std::span<const double> x,
                                           std::span<const double> d_mod) {
  const size_t n = x.size() / dims;
  const uint64_t cells = res.cells(dims);
  std::vector<double> g(grids.size(), 0.0);
  for (size_t i = 0; i < n; ++i)
    for_each_corner(dims, res, &x[i * dims], [&](uint64_t cell, double w, const double*) {
      for (uint32_t l = 0; l < layers; ++l)
        for (uint32_t c = 0; c < 2; ++c) g[(l * cells + cell) * 2 + c] += w * d_mod[i * 2 * layers + 2 * l + c];
    });
  return g;
}

std::vector<double> cam_reference_input_grad(uint32_t dims, const CamResolution& res, uint32_t layers,
                                             std::span<const double> grids, std::span<const double> x,
                                             std::span<const double> d_mod) {
  const size_t n = x.size() / dims;
  const uint64_t cells = res.cells(dims);
  std::vector<double> d_x(x.size(), 0.0);
  for (size_t i = 0; i < n; ++i)
    for_each_corner(dims, res, &x[i * dims], [&](uint64_t cell, double, const double* dw) {
      for (uint32_t l = 0; l < layers; ++l)
        for (uint32_t c = 0; c < 2; ++c)
          for (uint32_t a = 0; a < dims; ++a)
            d_x[i * dims + a] += dw[a] * grids[(l * cells + cell) * 2 + c] * d_mod[i * 2 * layers + 2 * l + c];
    });
  return d_x;
}

}  // namespace nf::nn
