#pragma once
// A differentiable function of a batch with trainable parameters: the common shape of encodings and
// networks (tiny-cuda-nn style).
//
// Life cycle: built from its JSON config (compiles its GPU programs) -> parameter_blocks() are placed in
// the field's ParameterStore -> bind() -> initialize() fills host values -> forward()/backward() are
// recorded into each training step's command list.
#include <span>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/commands.hpp"
#include "nn/batch.hpp"
#include "nn/parameters.hpp"

namespace nf::nn {

// Work per sample of one training step (forward + backward) as the module's kernels do it: for
// hardware-independent throughput figures (`nf bench`). Parameter traffic, amortised over the batch, is
// left out; bytes count global-memory reads and writes (gathers and atomics included).
struct SampleCost {
  double flops = 0;
  double bytes = 0;
};

class Module {
 public:
  virtual ~Module() = default;

  virtual uint32_t input_dims() const = 0;
  virtual uint32_t output_dims() const = 0;
  // The complete config (defaults filled in); building from it recreates this module.
  virtual json config() const = 0;

  virtual std::vector<ParamBlock> parameter_blocks() const = 0;
  virtual SampleCost training_cost() const = 0;
  // Writes initial values: blocks[b] is block b as declared by parameter_blocks().
  virtual void initialize(std::span<const std::span<float>> blocks, Pcg32& rng) const = 0;
  // The largest batch the module's scratch can hold on a device whose storage buffers span at most
  // `buffer_range` bytes.
  virtual uint32_t max_capacity(uint64_t buffer_range) const {
    (void)buffer_range;
    return 1u << 30;
  }
  // Allocates the module's scratch for batches of up to `capacity` samples (a multiple of 64). Called
  // once, before the first forward().
  virtual void reserve(gpu::Context& ctx, uint32_t capacity) {
    (void)ctx;
    (void)capacity;
  }
  // Modulation inputs (networks that support CAM): per-sample values the field computes from the
  // coordinates, and where the network writes their gradients. modulation_dims() == 0: not modulated.
  virtual uint32_t modulation_dims() const { return 0; }
  virtual json modulation_config() const { return nullptr; }
  virtual void set_modulation(const BatchView& values, const BatchView& gradients) {
    (void)values;
    (void)gradients;
  }
  // The sample groups of the next forward() and backward() (modules that normalise over groups: an MLP with
  // "normalization": "ray"); others ignore them.
  virtual void set_segments(const Segments& segments) { (void)segments; }

  // Tells the module where its blocks live: store.blocks()[first_block ...].
  void bind(ParameterStore& store, size_t first_block) {
    store_ = &store;
    first_block_ = first_block;
  }

  // Records y = f(x) for samples [0, n). y.dims == output_dims().
  virtual void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) = 0;
  // Records the backward pass for samples [0, n): adds dL/dparameters to the store's gradients and, when
  // d_x.buffer is set, writes dL/dx. x is the forward input, d_y = dL/dy.
  virtual void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                        uint32_t n) = 0;
  // Records only dL/dx (d_x required) for samples [0, n), leaving the store's gradients untouched: input
  // gradients of a field that is not being trained by this call (normals, the eikonal term's gradient).
  // Same preconditions as backward() (follows forward() on the same x and n where backward() must).
  virtual void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                              uint32_t n) = 0;

  // Second order, forward over reverse (the eikonal term's exact parameter gradient). jvp_unsupported():
  // nullptr when the module implements jvp() and jvp_backward(), else the reason (for config errors).
  virtual const char* jvp_unsupported() const { return "has no forward-mode derivative"; }
  // Records the forward-mode derivative y_dot = J_f(x) x_dot for samples [0, n) (x_dot has x's dims;
  // networks take it with x's stride); must follow forward() on the same x and n.
  virtual void jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
                   uint32_t n) {
    (void)cmd, (void)x, (void)x_dot, (void)y_dot, (void)n;
    fail("this module ", jvp_unsupported());
  }
  // Records the backward pass of the tangent for dL/dy_dot = d_y_dot, L linear in y_dot, x and x_dot held
  // fixed: adds dL/dparameters to the store's gradients and, when d_x.buffer is set, writes dL/dx (sharing
  // x's stride) and returns true; returns false without touching d_x where dL/dx is 0 almost everywhere
  // (piecewise-linear modules). Must follow jvp() on the same x, x_dot and n.
  virtual bool jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot,
                            const BatchView& d_y_dot, const BatchView& d_x, uint32_t n) {
    (void)cmd, (void)x, (void)x_dot, (void)d_y_dot, (void)d_x, (void)n;
    fail("this module ", jvp_unsupported());
  }

 protected:
  ParameterStore& store() const {
    NF_ASSERT(store_, "module used before bind(): place its parameters in a ParameterStore first");
    return *store_;
  }
  size_t block_index(size_t local) const { return first_block_ + local; }

 private:
  ParameterStore* store_ = nullptr;
  size_t first_block_ = 0;
};

}  // namespace nf::nn
