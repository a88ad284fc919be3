#include "nn/encodings/frequency.hpp"

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

FrequencyEncoding::FrequencyEncoding(gpu::Context& ctx, uint32_t dims, FrequencyConfig config)
    : dims_(dims), config_(config) {
  NF_ASSERT(dims >= 1 && dims <= 4, "the frequency encoding takes 1 to 4 input dimensions");
  forward_ = gpu::Program(ctx, {"nn/frequency_forward", std::vector(2, gpu::BindingKind::Storage), sizeof(Push),
                                kGroupSize, {dims, config_.octaves, config_.include_input ? 1u : 0u}});
  backward_ = gpu::Program(ctx, {"nn/frequency_backward", std::vector(3, gpu::BindingKind::Storage),
                                 sizeof(BackwardPush), kGroupSize,
                                 {dims, config_.octaves, config_.include_input ? 1u : 0u}});
}

json FrequencyEncoding::config() const {
  return {{"type", "frequency"}, {"octaves", config_.octaves}, {"include_input", config_.include_input}};
}

SampleCost FrequencyEncoding::training_cost() const {
  return {double(dims_) * config_.octaves * 24.0, 4.0 * (dims_ + output_dims())};
}

void FrequencyEncoding::forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && y.dims == output_dims(), "frequency encoding: wrong operand dims");
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize), {gpu::Bind::in(*x.buffer), gpu::Bind::out(*y.buffer)},
               Push{n, x.stride, y.stride});
}

void FrequencyEncoding::backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y,
                                 const BatchView& d_x, uint32_t n) {
  if (d_x.buffer) backward_input(cmd, x, d_y, d_x, n);
}

void FrequencyEncoding::backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y,
                                       const BatchView& d_x, uint32_t n) {
  NF_ASSERT(x.dims == dims_ && d_y.dims == output_dims() && d_x.buffer && d_x.dims == dims_,
            "frequency encoding backward: wrong operand dims");
  cmd.dispatch(backward_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*x.buffer), gpu::Bind::in(*d_y.buffer), gpu::Bind::out(*d_x.buffer)},
               BackwardPush{n, x.stride, d_y.stride, d_x.stride});
}

std::vector<double> frequency_reference_forward(uint32_t dims, const FrequencyConfig& c, std::span<const double> x) {
  const size_t n = x.size() / dims, nf = dims * (2 * c.octaves + (c.include_input ? 1 : 0));
  std::vector<double> out(n * nf);
  for (size_t i = 0; i < n; ++i) {
    size_t o = i * nf;
    if (c.include_input)
      for (uint32_t a = 0; a < dims; ++a) out[o++] = x[i * dims + a];
    for (uint32_t k = 0; k < c.octaves; ++k) {
      for (uint32_t a = 0; a < dims; ++a) out[o + a] = std::sin(std::ldexp(M_PI, int(k)) * x[i * dims + a]);
      for (uint32_t a = 0; a < dims; ++a) out[o + dims + a] = std::cos(std::ldexp(M_PI, int(k)) * x[i * dims + a]);
      o += 2 * dims;
    }
  }
  return out;
}

std::vector<double> frequency_reference_input_grad(uint32_t dims, const FrequencyConfig& c, std::span<const double> x,
                                                   std::span<const double> d_f) {
  const size_t n = x.size() / dims, nf = dims * (2 * c.octaves + (c.include_input ? 1 : 0));
  std::vector<double> d_x(x.size(), 0.0);
  for (size_t i = 0; i < n; ++i) {
    size_t o = i * nf;
    if (c.include_input)
      for (uint32_t a = 0; a < dims; ++a) d_x[i * dims + a] += d_f[o++];
    for (uint32_t k = 0; k < c.octaves; ++k) {
      const double w = std::ldexp(M_PI, int(k));
      for (uint32_t a = 0; a < dims; ++a) {
        const double v = x[i * dims + a];
        d_x[i * dims + a] += w * (d_f[o + a] * std::cos(w * v) - d_f[o + dims + a] * std::sin(w * v));
      }
      o += 2 * dims;
    }
  }
  return d_x;
}

}  // namespace nf::nn
