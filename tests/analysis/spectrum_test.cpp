#include "analysis/spectrum.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/rng.hpp"
#include "io/image_io.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::analysis {
namespace {

using test::GpuTest;

// A one-channel N x N image of cos(2 pi (fy y + fx x) / N) (y = row, x = column).
Image cosine(int n, int fy, int fx) {
  Image im(n, n, 1);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) im.at(x, y, 0) = float(std::cos(2 * std::numbers::pi * (fy * y + fx * x) / n));
  return im;
}

Image random_image(int w, int h, int c, uint64_t seed) {
  Pcg32 rng(seed);
  Image im(w, h, c);
  for (auto& v : im.pixels) v = float(rng.uniform(0.0, 1.0));
  return im;
}

void expect_near(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol) << "bin " << i + 1;
}

// Golden values that follow from the definition (N = 8, S = 4, one channel, no resize).
TEST(SpectrumReference, BinsTheQuadrantByDiagonal) {
  // (the images hold floats, so values are exact to ~1e-7 relative)
  expect_near(spectrum_reference(cosine(8, 1, 2), 4), {0, 0, 32, 0}, 1e-5);
  expect_near(spectrum_reference(cosine(8, 1, 1), 4), {0, 32, 0, 0}, 1e-5);
  // The (+,-) quadrant is not binned: cos(2 pi (y - 2x) / 8) has an empty spectrum.
  expect_near(spectrum_reference(cosine(8, 1, -2), 4), {0, 0, 0, 0}, 1e-5);
  EXPECT_NEAR(w1_distance(spectrum_reference(cosine(8, 1, 2), 4), spectrum_reference(cosine(8, 1, 1), 4)), 1.0, 1e-12);
}

TEST(SpectrumReference, IsInvariantToAnAffineIntensityMap) {
  const Image a = random_image(24, 17, 3, 5);
  Image b = a;
  for (auto& v : b.pixels) v = 2.5f * v - 0.75f;
  const auto sa = spectrum_reference(a, 12), sb = spectrum_reference(b, 12);
  EXPECT_LT(w1_distance(sa, sb), 1e-6);
  EXPECT_GT(w1_distance(sa, spectrum_reference(random_image(24, 17, 3, 6), 12)), 1e-3);
}

TEST(SpectrumReference, ResizeOfASquareImageIsTheIdentity) {
  // A square image keeps its pixels: its spectrum equals the DFT of the image itself, so an image that is
  // a single cosine stays a single bin.
  expect_near(spectrum_reference(cosine(12, 0, 3), 6), {0, 0, 72, 0, 0, 0}, 1e-5);
}

TEST(Wasserstein, IsTheL1DistanceOfTheCdfs) {
  const std::vector<double> a = {1, 0, 0, 0}, b = {0, 0, 0, 1}, c = {1, 1, 0, 0}, d = {0, 1, 1, 0};
  EXPECT_DOUBLE_EQ(w1_distance(a, b), 3.0);
  EXPECT_DOUBLE_EQ(w1_distance(c, d), 1.0);
  EXPECT_DOUBLE_EQ(w1_distance(c, c), 0.0);
  const std::vector<double> scaled = {5, 5, 0, 0};
  EXPECT_DOUBLE_EQ(w1_distance(c, scaled), 0.0);
  EXPECT_TRUE(std::isinf(w1_distance(a, std::vector<double>{0, 0, 0, 0})));
}

TEST(Spectrum, SideIsTheShortSideCappedAt1024) {
  EXPECT_EQ(spectrum_side(768, 512), 512);
  EXPECT_EQ(spectrum_side(300, 2000), 300);
  EXPECT_EQ(spectrum_side(1500, 1200), 1024);
}

void check_gpu(gpu::Context& ctx, const Image& image, uint32_t bins) {
  gpu::Stream stream(ctx);
  Spectrum spectrum(ctx, image.width, image.height, image.channels, bins);
  const auto gpu = spectrum.compute(stream, image);
  const auto ref = spectrum_reference(image, bins);
  NF_EXPECT_REL_ERROR(std::span<const double>(gpu), std::span<const double>(ref), 1e-4)
      << image.width << "x" << image.height << "x" << image.channels << ", " << bins << " bins";
  EXPECT_LT(std::abs(w1_distance(gpu, ref)), 1e-4);
}

// Random images: downscaled on either axis (scale 1.5 and 2.3), upscale-free square, odd and even N,
// more bins than N/2 (the mask's wrapped cells) and than N (the empty tail).
TEST_F(GpuTest, SpectrumMatchesTheReferenceOnRandomImages) {
  check_gpu(ctx(), random_image(45, 30, 3, 1), 12);
  check_gpu(ctx(), random_image(23, 53, 1, 2), 16);
  check_gpu(ctx(), random_image(32, 32, 2, 3), 20);
  check_gpu(ctx(), random_image(29, 37, 3, 4), 40);
}

TEST_F(GpuTest, SpectrumMatchesTheReferenceOnARealImage) {
  check_gpu(ctx(), read_image(test::test_input("images/kodim20_x300_y200.png")), 64);
}

}  // namespace
}  // namespace nf::analysis
