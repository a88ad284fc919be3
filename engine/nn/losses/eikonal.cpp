#include "nn/losses/eikonal.hpp"

#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

constexpr uint32_t kGroupSize = 64;

struct Push {
  uint32_t n, stride;
  float scale;
};

}  // namespace

Eikonal::Eikonal(gpu::Context& ctx, uint32_t dims)
    : dims_(dims),
      sums_(ctx, 8, "eikonal sums"),
      program_(ctx, {"nn/eikonal",
                     std::vector(3, gpu::BindingKind::Storage), sizeof(Push), kGroupSize, {dims}}) {}

void Eikonal::reset(gpu::CommandList& cmd) { cmd.fill(sums_, 0); }

void Eikonal::evaluate(gpu::CommandList& cmd, const BatchView& g, const BatchView& g_hat, uint32_t n, float scale) {
  NF_ASSERT(g.dims == dims_ && g_hat.dims == dims_ && g.stride == g_hat.stride, "eikonal: wrong operand shapes");
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*g.buffer), gpu::Bind::out(*g_hat.buffer), gpu::Bind::inout(sums_)},
               Push{n, g.stride, scale});
}

EikonalReadout Eikonal::readout(uint64_t count) const {
  const auto s = sums_.download_all<float>();
  return {double(s[0]) / double(count), double(s[1]) / double(count)};
}

double eikonal_reference(std::span<const double> g, uint32_t dims, double scale, std::span<double> g_hat) {
  const size_t n = g.size() / dims;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    double sq = 0;
    for (uint32_t a = 0; a < dims; ++a) sq += g[i * dims + a] * g[i * dims + a];
    const double norm = std::sqrt(sq), factor = norm > 0 ? scale * 2 * (norm - 1) / norm : 0.0;
    for (uint32_t a = 0; a < dims; ++a) g_hat[i * dims + a] = factor * g[i * dims + a];
    sum += (norm - 1) * (norm - 1);
  }
  return sum / double(n);
}

}  // namespace nf::nn
