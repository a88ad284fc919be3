#include "gpu/commands.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/error.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "gpu/program.hpp"
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
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    CommandList& cmd = stream.begin();
    cmd.reset_timestamps(pool);
    cmd.write_timestamp(pool, 0);
    cmd.fill(a, uint32_t(i));
    cmd.write_timestamp(pool, 1);
    stream.submit();
  }
  stream.wait();
  const double host_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(stream.submits(), 5u);
  // The last fill's time: positive, and within the host's time for all five (a wrapped or unscaled
  // difference would not be).
  const double fill_ms = pool.elapsed_ms(0, 1);
  EXPECT_GT(fill_ms, 0.0);
  EXPECT_LT(fill_ms, host_ms);
  EXPECT_NEAR(pool.elapsed_ms(1, 0), -fill_ms, 1e-9);
  EXPECT_EQ(a.download_all<uint32_t>()[77], 4u);
}


// Texel-buffer bindings (BindingKind::Texel): the view starts at the binding's offset, views are made per
// dispatch and recycled by begin(), and a misaligned offset or a write through one is refused with a
// message naming the program. The kernel: the MLP's weight gradient, dW[j][i] = sum_s dz[j][s] a[i][s], which
// reads both operands as vec4 texels, here over 200 samples in four chunks of 64 (the last one partial).
TEST_F(GpuTest, TexelBindingsReadFromTheirOffsetAndAreChecked) {
  constexpr uint32_t n = 200, dims = 4;
  const Program p(ctx(), {"nn/mlp_weight_grad",
                          {BindingKind::Texel, BindingKind::Texel, BindingKind::Storage, BindingKind::Storage},
                          16, 8, {dims, dims, 8, 8}});
  std::vector<float> dz(dims * n), a(64 + dims * n, 1e9f);  // a's rows start 64 floats (256 bytes) in
  for (uint32_t k = 0; k < dims * n; ++k) dz[k] = float(k % 5) - 2.0f, a[64 + k] = 0.25f * float(k % 7);
  Buffer dz_buf(ctx(), dz.size() * 4, "dz"), a_buf(ctx(), a.size() * 4, "a");
  Buffer g_w(ctx(), dims * dims * 4, "dW"), g_b(ctx(), dims * 4, "db");
  dz_buf.upload(std::span<const float>(dz));
  a_buf.upload(std::span<const float>(a));
  const struct { uint32_t n, stride, stride_in, chunk; } push{n, n, n, 64};  // 64 = 8 x the workgroup size
  Stream stream(ctx());
  for (int round = 0; round < 2; ++round) {  // the second recording reuses the list: new views
    CommandList& cmd = stream.begin();
    cmd.fill(g_w, 0);
    cmd.fill(g_b, 0);
    cmd.dispatch(p, Groups{1, 1, 4}, {Bind::in(dz_buf), Bind::in(a_buf, 256), Bind::inout(g_w), Bind::inout(g_b)},
                 push);
    stream.submit();
    stream.wait();
  }
  const auto got = g_w.download_all<float>();
  for (uint32_t j = 0; j < dims; ++j)
    for (uint32_t i = 0; i < dims; ++i) {
      double want = 0;
      for (uint32_t s = 0; s < n; ++s) want += double(dz[j * n + s]) * a[64 + i * n + s];
      EXPECT_NEAR(got[j * dims + i], want, 1e-3) << "dW[" << j << "][" << i << "]";
    }
  CommandList& cmd = stream.begin();
  try {
    cmd.dispatch(p, Groups{1, 1, 1}, {Bind::in(dz_buf), Bind::in(a_buf, 4), Bind::inout(g_w), Bind::inout(g_b)},
                 push);
    ADD_FAILURE() << "a texel binding at offset 4 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nn/mlp_weight_grad': binding 1 offset 4 is not a multiple"),
              std::string::npos)
        << e.what();
  }
  try {
    cmd.dispatch(p, Groups{1, 1, 1}, {Bind::inout(dz_buf), Bind::in(a_buf), Bind::inout(g_w), Bind::inout(g_b)},
                 push);
    ADD_FAILURE() << "a written texel binding was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("binding 0 is a texel buffer"), std::string::npos) << e.what();
  }
  stream.submit();
  stream.wait();
}

}  // namespace
}  // namespace nf::gpu
