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

}  // namespace

FrequencyEncoding::FrequencyEncoding(gpu::Context& ctx, uint32_t dims, FrequencyConfig config)
    : dims_(dims), config_(config) {
  NF_ASSERT(dims >= 1 && dims <= 4, "the frequency encoding takes 1 to 4 input dimensions");
  forward_ = gpu::Program(ctx, {"nn/frequency_forward", std::vector(2, gpu::BindingKind::Storage), sizeof(Push),
                                kGroupSize, {dims, config_.octaves, config_.include_input ? 1u : 0u}});
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

void FrequencyEncoding::backward(gpu::CommandList&, const BatchView&, const BatchView&, const BatchView& d_x,
                                 uint32_t) {
  NF_ASSERT(!d_x.buffer, "the frequency encoding does not compute gradients with respect to its input");
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

}  // namespace nf::nn
