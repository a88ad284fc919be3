#pragma once
// The eikonal term of SDF fitting, weight * mean_i (|grad_x f(x_i)| - 1)^2, on the GPU: from the field's
// input gradients g it writes g_hat = d(term)/dg, which fields::Field::eikonal_backward pushes through the
// field's tangent (forward over reverse) into the parameter gradients. Sums of (|g| - 1)^2 and |g| over a
// step are kept for metrics (read back only when asked).
#include <span>

#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::nn {

struct EikonalReadout {
  double mean_sq = 0;    // mean (|g| - 1)^2 (the term before its weight)
  double mean_norm = 0;  // mean |g|
};

class Eikonal {
 public:
  Eikonal(gpu::Context& ctx, uint32_t dims);
  // Zeroes the step's sums (record once per step, before evaluate()).
  void reset(gpu::CommandList& cmd);
  // g_hat = scale * 2 (|g| - 1) g / |g| for n samples (g and g_hat share a stride); adds to the sums.
  void evaluate(gpu::CommandList& cmd, const BatchView& g, const BatchView& g_hat, uint32_t n, float scale);
  // The sums since reset() over `count` samples (the commands must have completed).
  EikonalReadout readout(uint64_t count) const;

 private:
  uint32_t dims_;
  gpu::Buffer sums_;
  gpu::Program program_;
};

// Double-precision reference, sample-major g (n x dims): returns mean (|g| - 1)^2 and fills g_hat with
// scale * 2 (|g| - 1) g / |g|.
double eikonal_reference(std::span<const double> g, uint32_t dims, double scale, std::span<double> g_hat);

}  // namespace nf::nn
