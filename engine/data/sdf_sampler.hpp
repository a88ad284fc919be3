#pragma once
// A pool of SDF training points (data/sdf_samples.hpp) on the GPU and the per-step batches drawn from it on
// the GPU: sample i of a step is pool point sample_index(seed, step, i, pool size) (core/rng.hpp's hash,
// uniform with replacement), so a batch has the pool's kind mix in expectation. The pool is uploaded once;
// replace() swaps in a new pool of the same size (e.g. a fresh draw) between steps.
#include <string>

#include "data/sdf_samples.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::data {

class SdfSampler {
 public:
  // Throws naming `name` when the pool is empty or does not fit the device's storage-buffer limit.
  SdfSampler(gpu::Context& ctx, const SdfSamples& pool, const std::string& name);

  uint32_t pool_size() const { return size_; }

  // Uploads a new pool of the same size (waits for nothing: call it between submitted steps only after
  // they completed).
  void replace(const SdfSamples& pool);

  // Records x (3 dims) and target (1 dim) for samples [first, first + n) of this step, written to rows
  // [0, n) of the views.
  void sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
              const nn::BatchView& target, uint32_t first = 0);
  // As sample(), drawing from the pool's uniform points only (the same hash of (seed, step, first + i)).
  uint32_t uniform_count() const { return uniform_count_; }
  void sample_uniform(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
                      const nn::BatchView& target, uint32_t first);

 private:
  std::string name_;
  void record(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
              const nn::BatchView& target, uint32_t first, uint32_t pool_first, uint32_t pool_size);

  uint32_t size_ = 0, uniform_first_ = 0, uniform_count_ = 0;
  gpu::Buffer points_, sdf_;
  gpu::Program program_;
};

}  // namespace nf::data
