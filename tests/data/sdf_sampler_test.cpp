#include "data/sdf_sampler.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::data {
namespace {

using test::GpuTest;

SdfSamples random_pool(uint32_t size, uint64_t seed) {
  Pcg32 rng(seed);
  SdfSamples pool;
  pool.points = test::random_floats(3 * size, rng, -1, 1);
  pool.sdf = test::random_floats(size, rng, -0.5, 0.5);
  pool.counts = {0, 0, 0, size};
  return pool;
}

// Every sample is the pool point the CPU's sample_index() picks, for a chunk that starts mid-step.
TEST_F(GpuTest, SdfSamplerMatchesCpuChoice) {
  const uint32_t pool_size = 777, n = 3000, stride = 3072, seed = 5, step = 9, first = 512;
  const auto pool = random_pool(pool_size, 11);
  SdfSampler sampler(ctx(), pool, "test");
  nn::BatchBuffer x(ctx(), 3, stride, "x"), t(ctx(), 1, stride, "t");
  x.buffer.upload(std::span<const float>(test::poison(3 * stride)));
  t.buffer.upload(std::span<const float>(test::poison(stride)));
  gpu::Stream stream(ctx(), 1);
  sampler.sample(stream.begin(), seed, step, n, x.view(), t.view(), first);
  stream.submit();
  stream.wait();
  const auto xs = x.buffer.download_all<float>();
  const auto ts = t.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t p = sample_index(seed, step, first + i, pool_size);
    for (uint32_t a = 0; a < 3; ++a) ASSERT_EQ(xs[a * stride + i], pool.points[3 * p + a]) << i;
    ASSERT_EQ(ts[i], pool.sdf[p]) << i;
  }
}

// replace() changes what later steps draw.
TEST_F(GpuTest, SdfSamplerReplaceSwapsThePool) {
  const uint32_t pool_size = 300, n = 256;
  auto pool = random_pool(pool_size, 1);
  SdfSampler sampler(ctx(), pool, "test");
  const auto fresh = random_pool(pool_size, 2);
  sampler.replace(fresh);
  nn::BatchBuffer x(ctx(), 3, n, "x"), t(ctx(), 1, n, "t");
  gpu::Stream stream(ctx(), 1);
  sampler.sample(stream.begin(), 1, 1, n, x.view(), t.view());
  stream.submit();
  stream.wait();
  const auto ts = t.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(ts[i], fresh.sdf[sample_index(1, 1, i, pool_size)]);
  EXPECT_THROW(sampler.replace(random_pool(pool_size + 1, 3)), Error);
}

// A batch of more than 65535 workgroups of 64 (a 2-D dispatch): every sample is still written once, with
// the right point.
TEST_F(GpuTest, SdfSamplerFillsBatchesBeyondOneDispatchRow) {
  const uint32_t pool_size = 1000, n = 65535u * 64u + 777u;
  const auto pool = random_pool(pool_size, 21);
  SdfSampler sampler(ctx(), pool, "test");
  nn::BatchBuffer x(ctx(), 3, n, "x"), t(ctx(), 1, n, "t");
  t.buffer.upload(std::span<const float>(test::poison(n)));
  gpu::Stream stream(ctx(), 1);
  sampler.sample(stream.begin(), 3, 4, n, x.view(), t.view());
  stream.submit();
  stream.wait();
  const auto ts = t.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(ts[i], pool.sdf[sample_index(3, 4, i, pool_size)]) << i;
}

TEST_F(GpuTest, SdfSamplerRejectsAnEmptyPool) {
  try {
    SdfSampler s(ctx(), SdfSamples{}, "bunny.obj");
    FAIL() << "accepted an empty pool";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bunny.obj"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nf::data
