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

}  // namespace

FourierFeatures::FourierFeatures(gpu::Context& ctx, uint32_t dims, FourierConfig config)
    : dims_(dims), config_(config) {
  NF_ASSERT(dims >= 1 && dims <= 4, "Fourier features take 1 to 4 input dimensions");
  NF_ASSERT(uint64_t(config_.frequencies) * dims * 4 <= ctx.info().max_uniform_buffer_range,
            "too many Fourier frequencies for one uniform buffer");
  forward_ = gpu::Program(ctx, {"nn/fourier_forward", {gpu::BindingKind::Uniform, gpu::BindingKind::Storage,
                                                       gpu::BindingKind::Storage},
                                sizeof(Push), kGroupSize, {dims, config_.frequencies}});
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

void FourierFeatures::backward(gpu::CommandList&, const BatchView&, const BatchView&, const BatchView& d_x, uint32_t) {
  NF_ASSERT(!d_x.buffer, "Fourier features do not compute gradients with respect to their input");
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

}  // namespace nf::nn
