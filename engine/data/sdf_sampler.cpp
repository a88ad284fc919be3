#include "data/sdf_sampler.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::data {
namespace {

constexpr uint32_t kGroupSize = 64;

struct SamplePush {
  uint32_t n, stride, pool_size, seed, step, first, pool_first;
};

}  // namespace

SdfSampler::SdfSampler(gpu::Context& ctx, const SdfSamples& pool, const std::string& name) : name_(name) {
  if (pool.size() == 0) fail("SDF samples of ", name, ": the pool is empty");
  if (pool.points.size() != 3 * pool.size()) fail("SDF samples of ", name, ": ", pool.points.size(), " coordinates for ", pool.size(), " points");
  const uint64_t bytes = uint64_t(pool.points.size()) * sizeof(float);
  if (bytes > ctx.info().max_storage_buffer_range || pool.size() >= (1ull << 32))
    fail("SDF samples of ", name, ": a pool of ", pool.size(), " points needs ", bytes >> 20,
         " MiB on the GPU, above the ", ctx.info().max_storage_buffer_range >> 20, " MiB storage-buffer limit of ",
         ctx.info().name, "; use a smaller pool_size");
  size_ = uint32_t(pool.size());
  uniform_first_ = uint32_t(pool.first(SdfSampleKind::Uniform));
  uniform_count_ = uint32_t(pool.counts[uint32_t(SdfSampleKind::Uniform)]);
  points_ = gpu::Buffer(ctx, bytes, "SDF pool points");
  sdf_ = gpu::Buffer(ctx, uint64_t(size_) * sizeof(float), "SDF pool distances");
  replace(pool);
  program_ = gpu::Program(ctx, {"data/sample_sdf", std::vector(4, gpu::BindingKind::Storage), sizeof(SamplePush),
                                kGroupSize, {}});
}

void SdfSampler::replace(const SdfSamples& pool) {
  NF_ASSERT(pool.size() == size_ && pool.points.size() == 3 * pool.size(), "SDF pool of ", pool.size(),
            " points replaces one of ", size_);
  points_.upload(std::span<const float>(pool.points));
  sdf_.upload(std::span<const float>(pool.sdf));
}

void SdfSampler::sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
                        const nn::BatchView& target, uint32_t first) {
  record(cmd, seed, step, n, x, target, first, 0, size_);
}

void SdfSampler::sample_uniform(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
                                const nn::BatchView& target, uint32_t first) {
  NF_ASSERT(uniform_count_ > 0, "SDF pool of ", name_, " has no uniform points");
  record(cmd, seed, step, n, x, target, first, uniform_first_, uniform_count_);
}

void SdfSampler::record(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
                        const nn::BatchView& target, uint32_t first, uint32_t pool_first, uint32_t pool_size) {
  NF_ASSERT(x.dims == 3 && target.dims == 1 && x.stride == target.stride, "SDF sampler: wrong batch shapes");
  const SamplePush push{n, x.stride, pool_size, seed, step, first, pool_first};
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(points_), gpu::Bind::in(sdf_), gpu::Bind::out(*x.buffer), gpu::Bind::out(*target.buffer)},
               push);
}

}  // namespace nf::data
