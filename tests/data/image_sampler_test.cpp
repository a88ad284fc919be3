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

// Samples [first, first + n) of step 4 against the CPU's choice: pixel sample_index(seed, step, i, count)
// of the training pixels (random mode) or training pixel first + i (all mode), where the training pixels
// are every pixel or split.train.
void check(gpu::Context& ctx, PixelCoordinates coordinates, ImageSampler::Mode mode = ImageSampler::Mode::Random,
           const PixelSplit& split = {}, uint32_t n = 5000, uint32_t first = 0) {
  Image img(37, 23, 3);
  Pcg32 rng(3);
  for (auto& v : img.pixels) v = float(rng.uniform());
  ImageSampler sampler(ctx, img, "test", coordinates, mode, split);
  const uint32_t count = split.split() ? uint32_t(split.train.size()) : 37 * 23;
  ASSERT_EQ(sampler.pixels(), count);
  const uint32_t stride = 5120, seed = 17, step = 4;
  nn::BatchBuffer x(ctx, 2, stride, "x"), t(ctx, 3, stride, "t");
  x.buffer.upload(std::span<const float>(test::poison(2 * stride)));
  gpu::Stream stream(ctx, 1);
  sampler.sample(stream.begin(), seed, step, n, x.view(), t.view(), first);
  stream.submit();
  stream.wait();
  const auto xs = x.buffer.download_all<float>();
  const auto ts = t.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t g = mode == ImageSampler::Mode::All ? first + i : sample_index(seed, step, first + i, count);
    const uint32_t p = split.split() ? split.train[g] : g;
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

TEST_F(GpuTest, SamplerDrawsOnlyTrainingPixelsOfASplit) {
  // Held-out pixels never reach a batch: random draws and an all-mode pass (from an offset) take the split's
  // training pixels, on a holdout split and on a strided grid.
  const auto held = holdout_split(37, 23, 0.1, 2);
  check(ctx(), PixelCoordinates::Centers, ImageSampler::Mode::Random, held);
  check(ctx(), PixelCoordinates::Centers, ImageSampler::Mode::All, held, uint32_t(held.train.size()) - 9, 9);
  const auto grid = strided_split(37, 23, 4);
  check(ctx(), PixelCoordinates::Corners, ImageSampler::Mode::All, grid, uint32_t(grid.train.size()));
}

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
