#include "nn/encodings/fourier.hpp"

#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;

struct Push {
  uint32_t n, stride_x, stride_f;
};
struct BackwardPush {
  uint32_t n, stride_x, stride_f, stride_dx;
};

}  // namespace

FourierFeatures::FourierFeatures(gpu::Context& ctx, uint32_t dims, FourierConfig config)
    : dims_(dims), config_(config) {
  NF_ASSERT(dims >= 1 && dims <= 4, "Fourier features take 1 to 4 input dimensions");
  NF_ASSERT(uint64_t(config_.frequencies) * dims * 4 <= ctx.info().max_uniform_buffer_range,
            "too many Fourier frequencies for one uniform buffer");
  forward_ = gpu::Program(ctx, {"nn/fourier_forward", {gpu::BindingKind::Uniform, gpu::BindingKind::Storage,
                                                       gpu::BindingKind::Storage},
                                sizeof(Push), kGroupSize, {dims, config_.frequencies}});
  backward_ = gpu::Program(ctx, {"nn/fourier_backward", {gpu::BindingKind::Uniform, gpu::BindingKind::Storage,
                                                         gpu::BindingKind::Storage, gpu::BindingKind::Storage},
                                 sizeof(BackwardPush), kGroupSize, {dims, config_.frequencies}});
}

json FourierFeatures::config() const {
  return {{"type", "fourier"}, {"frequencies", config_.frequencies}, {"sigma", config_.sigma}};
}

std::vector<ParamBlock> FourierFeatures::parameter_blocks() const {
  ParamBlock b{"frequencies", config_.frequencies * dims_, "encoding"};
  b.trainable = false;
  return {b};
}

SampleCost FourierFeatures::training_cost() const {
  const double m = config_.frequencies;
  return {m * (2.0 * dims_ + 3 + 2 * 10), 4.0 * dims_ + 8.0 * m};  // sin/cos counted as ~10 flops each
}

void FourierFeatures::initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const {
  for (float& v : blocks[0]) v = float(rng.normal() * config_.sigma);
}

void FourierFeatures::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && y.dims == output_dims(), "Fourier features: wrong operand dims");
  cmd.dispatch(forward_, gpu::Groups::linear((uint64_t(n) + 3) / 4, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(*x.buffer),
                gpu::Bind::out(*y.buffer)},
               Push{n, x.stride, y.stride});
}

void FourierFeatures::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                               uint32_t n) {
  if (d_x.buffer) backward_input(cmd, x, d_y, d_x, n);
}

void FourierFeatures::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y,
                                     const BatchView& d_x, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && d_y.dims == output_dims() && d_x.buffer && d_x.dims == dims_,
            "Fourier features backward: wrong operand dims");
  cmd.dispatch(backward_, gpu::Groups::linear((uint64_t(n) + 3) / 4, kGroupSize),
               {store().bind_values(block_index(0), gpu::Access::Read), gpu::Bind::in(*x.buffer),
                gpu::Bind::in(*d_y.buffer), gpu::Bind::out(*d_x.buffer)},
               BackwardPush{n, x.stride, d_y.stride, d_x.stride});
}

std::vector<double> fourier_reference_forward(uint32_t dims, std::span<const double> b, std::span<const double> x) {
  const size_t m = b.size() / dims, n = x.size() / dims;
  std::vector<double> out(n * 2 * m);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) {
      double t = 0;
      for (uint32_t a = 0; a < dims; ++a) t += b[j * dims + a] * x[i * dims + a];
      out[i * 2 * m + j] = std::sin(2 * M_PI * t);
      out[i * 2 * m + m + j] = std::cos(2 * M_PI * t);
    }
  return out;
}

std::vector<double> fourier_reference_input_grad(uint32_t dims, std::span<const double> b, std::span<const double> x,
                                                 std::span<const double> d_f) {
  const size_t m = b.size() / dims, n = x.size() / dims;
  std::vector<double> d_x(x.size(), 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) {
      double t = 0;
      for (uint32_t a = 0; a < dims; ++a) t += b[j * dims + a] * x[i * dims + a];
      const double g = d_f[i * 2 * m + j] * std::cos(2 * M_PI * t) - d_f[i * 2 * m + m + j] * std::sin(2 * M_PI * t);
      for (uint32_t a = 0; a < dims; ++a) d_x[i * dims + a] += 2 * M_PI * b[j * dims + a] * g;
    }
  return d_x;
}

}  // namespace nf::nn
