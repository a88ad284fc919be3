#include "gpu/commands.hpp"

#include <gtest/gtest.h>

#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "gpu/stream.hpp"
#include "gpu/timestamps.hpp"
#include "support/gpu_test.hpp"

namespace nf::gpu {
namespace {

using test::GpuTest;

TEST(Groups, SplitsLargeDispatchesBelowTheLimit) {
  auto g = Groups::linear(100, 64);
  EXPECT_EQ(g.x, 2u);
  EXPECT_EQ(g.y, 1u);
  g = Groups::linear(uint64_t(70000) * 64, 64);
  EXPECT_LE(g.x, 65535u);
  EXPECT_GE(uint64_t(g.x) * g.y, 70000u);
}

TEST_F(GpuTest, BarriersOnlyWhereBuffersConflict) {
  Buffer a(ctx(), 1024, "a"), b(ctx(), 1024, "b"), c(ctx(), 1024, "c");
  Stream stream(ctx());
  CommandList& cmd = stream.begin();
  cmd.fill(a, 0x3f800000u);  // 1.0f
  EXPECT_EQ(cmd.stats().barriers, 1u);  // the one after earlier submissions
  cmd.fill(b, 0x40000000u);  // independent: no barrier
  EXPECT_EQ(cmd.stats().barriers, 1u);
  cmd.copy(a, c, 512);       // reads a after its fill: barrier
  EXPECT_EQ(cmd.stats().barriers, 2u);
  cmd.copy(b, c, 512, 0, 512);  // writes c again: write-after-write barrier
  EXPECT_EQ(cmd.stats().barriers, 3u);
  stream.submit();
  stream.wait();
  EXPECT_EQ(stream.submits(), 1u);
  const auto out = c.download_all<float>();
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[200], 2.0f);
}

TEST_F(GpuTest, StreamReusesSlotsAndTimestampsMeasure) {
  if (!ctx().features().timestamps) GTEST_SKIP() << "device has no timestamps";
  Buffer a(ctx(), 1 << 20, "a");
  Stream stream(ctx(), 2);
  TimestampPool pool(ctx(), 2);
  for (int i = 0; i < 5; ++i) {
    CommandList& cmd = stream.begin();
    cmd.reset_timestamps(pool);
    cmd.write_timestamp(pool, 0);
    cmd.fill(a, uint32_t(i));
    cmd.write_timestamp(pool, 1);
    stream.submit();
  }
  stream.wait();
  EXPECT_EQ(stream.submits(), 5u);
  EXPECT_GE(pool.elapsed_ms(0, 1), 0.0);
  EXPECT_EQ(a.download_all<uint32_t>()[77], 4u);
}

}  // namespace
}  // namespace nf::gpu
