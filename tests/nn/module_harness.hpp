#pragma once
// Runs one Module on the GPU against host data: places its parameters in a store, uploads sample-major
// host batches as feature-major GPU batches (outputs poisoned with NaN first), and reads results back
// sample-major. Used by every module test to compare with the double-precision references.
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "gpu/context.hpp"
#include "gpu/stream.hpp"
#include "nn/module.hpp"

namespace nf::test {

class ModuleHarness {
 public:
  ModuleHarness(gpu::Context& ctx, nn::Module& module);

  nn::ParameterStore& store() { return *store_; }
  // Sets every block to the given values (one vector per block, as declared).
  void set_parameters(const std::vector<std::vector<double>>& blocks);
  // Gradients per block after backward().
  std::vector<std::vector<double>> gradients() const;
  // max |gradient| over every block (0 after backward_input()).
  double max_abs_gradient() const;

  // Modulation inputs (n x modulation_dims, sample-major) for modulated networks; set before forward.
  void set_modulation(const std::vector<double>& values) { modulation_ = values; }
  // dL/dmodulation after backward() (sample-major).
  std::vector<double> modulation_gradients() const;

  // y = f(x): x sample-major n x input_dims; returns n x output_dims.
  std::vector<double> forward(const std::vector<double>& x);
  // Forward then backward with d_y (n x output_dims). Gradients start from zero. Returns d_x (n x input
  // dims) when want_dx, else empty.
  std::vector<double> backward(const std::vector<double>& x, const std::vector<double>& d_y, bool want_dx);
  // Forward then backward_input with d_y; returns d_x (n x input dims). Parameter gradients are zeroed
  // first (backward_input must leave them so: check gradients()). d_x starts poisoned, or at d_x_initial
  // when given (modulations add into d_x).
  std::vector<double> backward_input(const std::vector<double>& x, const std::vector<double>& d_y,
                                     const std::vector<double>& d_x_initial = {});
  // Forward then the tangent along x_dot: returns y_dot (n x output dims).
  std::vector<double> jvp(const std::vector<double>& x, const std::vector<double>& x_dot);
  // Forward, tangent, then its backward pass for d_y_dot: parameter gradients (from zero) in gradients();
  // returns dL/dx when asked for and the module writes it, else empty.
  std::vector<double> jvp_backward(const std::vector<double>& x, const std::vector<double>& x_dot,
                                   const std::vector<double>& d_y_dot, bool want_dx);

 private:
  void upload(nn::BatchBuffer& b, const std::vector<double>& sample_major, uint32_t n);
  std::vector<double> download(const nn::BatchBuffer& b, uint32_t n) const;
  void ensure(uint32_t n);

  gpu::Context& ctx_;
  nn::Module& module_;
  std::unique_ptr<nn::ParameterStore> store_;
  gpu::Stream stream_;
  uint32_t capacity_ = 0;
  nn::BatchBuffer x_, y_, dy_, dx_, mod_, dmod_, xdot_, ydot_;
  std::vector<double> modulation_;
  uint32_t n_ = 0;
};

// Checks a reference input gradient against central finite differences of its reference forward:
// d_x[i, a] against d/dx[i, a] of sum_f d_f[i, f] F(x)[i, f] (sample-major), within tol x (1 + |d_x|).
// Piecewise-smooth encodings (grids) have kinks at cell boundaries: samples whose difference quotients
// at h and h/2 disagree (a kink within h) are skipped. Returns the number of (sample, axis) pairs checked.
size_t expect_input_gradient_matches_fd(
    const std::function<std::vector<double>(std::span<const double> x)>& forward, uint32_t dims,
    std::span<const double> x, std::span<const double> d_f, std::span<const double> d_x, double h, double tol);

// GPU input gradients of grid encodings against their reference: a float32 cell index may flip where x
// lies within rounding of a cell boundary, and there the gradient jumps. Samples whose error exceeds
// 1e-2 x the reference's RMS per-sample norm are outliers (counted); rel_error is over the rest.
struct InputGradientComparison {
  double rel_error = 0;
  size_t outliers = 0;
};
InputGradientComparison compare_input_gradients(std::span<const double> gpu, std::span<const double> ref,
                                                uint32_t dims);

}  // namespace nf::test
