#pragma once
// Runs one Module on the GPU against host data: places its parameters in a store, uploads sample-major
// host batches as feature-major GPU batches (outputs poisoned with NaN first), and reads results back
// sample-major. Used by every module test to compare with the double-precision references.
#include <memory>
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

  // Modulation inputs (n x modulation_dims, sample-major) for modulated networks; set before forward.
  void set_modulation(const std::vector<double>& values) { modulation_ = values; }
  // dL/dmodulation after backward() (sample-major).
  std::vector<double> modulation_gradients() const;

  // y = f(x): x sample-major n x input_dims; returns n x output_dims.
  std::vector<double> forward(const std::vector<double>& x);
  // Forward then backward with d_y (n x output_dims). Gradients start from zero. Returns d_x (n x input
  // dims) when want_dx, else empty.
  std::vector<double> backward(const std::vector<double>& x, const std::vector<double>& d_y, bool want_dx);

 private:
  void upload(nn::BatchBuffer& b, const std::vector<double>& sample_major, uint32_t n);
  std::vector<double> download(const nn::BatchBuffer& b, uint32_t n) const;
  void ensure(uint32_t n);

  gpu::Context& ctx_;
  nn::Module& module_;
  std::unique_ptr<nn::ParameterStore> store_;
  gpu::Stream stream_;
  uint32_t capacity_ = 0;
  nn::BatchBuffer x_, y_, dy_, dx_, mod_, dmod_;
  std::vector<double> modulation_;
  uint32_t n_ = 0;
};

}  // namespace nf::test
