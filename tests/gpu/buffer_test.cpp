#include "gpu/buffer.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "support/gpu_test.hpp"

namespace nf::gpu {
namespace {

using test::GpuTest;

TEST_F(GpuTest, BufferRoundTripsAndAccountsMemory) {
  const uint64_t before = ctx().memory().current_bytes;
  {
    Buffer b(ctx(), 1000 * sizeof(float), "roundtrip");
    EXPECT_GE(ctx().memory().current_bytes, before + 4000);
    std::vector<float> v(1000);
    std::iota(v.begin(), v.end(), 0.5f);
    b.upload(std::span<const float>(v));
    EXPECT_EQ(b.download_all<float>(), v);
    std::vector<float> part(10);
    b.download(part.data(), 40, 400);
    EXPECT_EQ(part[0], 100.5f);
  }
  EXPECT_EQ(ctx().memory().current_bytes, before);
  EXPECT_GE(ctx().memory().peak_bytes, before + 4000);
}

TEST_F(GpuTest, BufferMoveTransfersOwnership) {
  Buffer a(ctx(), 64, "a");
  const VkBuffer h = a.handle();
  Buffer b = std::move(a);
  EXPECT_EQ(b.handle(), h);
  EXPECT_FALSE(bool(a));
}

TEST_F(GpuTest, OverrunningUploadIsRejected) {
  Buffer b(ctx(), 16, "small");
  std::vector<float> v(8, 1.0f);
  EXPECT_THROW(b.upload(std::span<const float>(v)), Error);
}

TEST(Buffer, StagingPathRoundTrips) {
  // A second context that never maps device memory, as on a discrete GPU.
  test::context();  // installs the validation log callback
  ContextOptions options;
  options.validation = true;
  options.force_staging = true;
  Context staged(options);
  Buffer b(staged, 256 * sizeof(float), "staged");
  EXPECT_EQ(b.mapped(), nullptr);
  std::vector<float> v(256);
  std::iota(v.begin(), v.end(), -3.0f);
  b.upload(std::span<const float>(v));
  EXPECT_EQ(b.download_all<float>(), v);
}

}  // namespace
}  // namespace nf::gpu
