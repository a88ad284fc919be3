#include "data/image_sampler.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::data {
namespace {

using test::GpuTest;

void check(gpu::Context& ctx, PixelCoordinates coordinates) {
  Image img(37, 23, 3);
  Pcg32 rng(3);
  for (auto& v : img.pixels) v = float(rng.uniform());
  ImageSampler sampler(ctx, img, "test", coordinates);
  const uint32_t n = 5000, stride = 5120, seed = 17, step = 4;
  nn::BatchBuffer x(ctx, 2, stride, "x"), t(ctx, 3, stride, "t");
  x.buffer.upload(std::span<const float>(test::poison(2 * stride)));
  gpu::Stream stream(ctx, 1);
  sampler.sample(stream.begin(), seed, step, n, x.view(), t.view());
  stream.submit();
  stream.wait();
  const auto xs = x.buffer.download_all<float>();
  const auto ts = t.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t p = sample_index(seed, step, i, 37 * 23);
    const int px = int(p % 37), py = int(p / 37);
    const double ex = coordinates == PixelCoordinates::Centers ? (2.0 * px + 1) / 37 - 1 : 2.0 * px / 36 - 1;
    const double ey = coordinates == PixelCoordinates::Centers ? (2.0 * py + 1) / 23 - 1 : 2.0 * py / 22 - 1;
    ASSERT_NEAR(xs[i], ex, 1e-6) << i;
    ASSERT_NEAR(xs[stride + i], ey, 1e-6) << i;
    for (int c = 0; c < 3; ++c) ASSERT_EQ(ts[c * stride + i], img.at(px, py, c)) << i;
  }
}

TEST_F(GpuTest, SamplerMatchesCpuChoiceWithPixelCenters) { check(ctx(), PixelCoordinates::Centers); }
TEST_F(GpuTest, SamplerMatchesCpuChoiceWithPixelCorners) { check(ctx(), PixelCoordinates::Corners); }

TEST_F(GpuTest, SamplerRejectsImagesBeyondTheDeviceLimit) {
  // Not allocated: the size check comes first.
  Image huge;
  huge.width = 8192;
  huge.height = 8192;
  huge.channels = 1;
  huge.pixels.resize(size_t(8192) * 8192);
  try {
    ImageSampler s(ctx(), huge, "big.exr", PixelCoordinates::Centers);
    if (ctx().info().max_storage_buffer_range < huge.pixels.size() * 4) FAIL() << "accepted an oversized image";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("big.exr"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nf::data
