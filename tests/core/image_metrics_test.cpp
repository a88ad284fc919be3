#include "core/image_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nf {
namespace {

Image random_image(int w, int h, int c, uint64_t seed) {
  Image img(w, h, c);
  Pcg32 r(seed);
  for (auto& v : img.pixels) v = float(r.uniform());
  return img;
}

TEST(ImageMetrics, PsnrOfKnownNoise) {
  Image a(32, 16, 3), b(32, 16, 3);
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    a.pixels[i] = 0.5f;
    b.pixels[i] = (i % 2) ? 0.6f : 0.4f;  // |error| = 0.1 everywhere -> MSE 0.01 -> 20 dB
  }
  EXPECT_NEAR(psnr(a, b), 20.0, 1e-5);
  EXPECT_TRUE(std::isinf(psnr(a, a)));
  b.pixels[5] = std::nanf("");
  EXPECT_TRUE(std::isnan(psnr(a, b))) << "a NaN prediction is not a perfect one";
}

TEST(ImageMetrics, PsnrOverListedPixelsSeesOnlyThosePixels) {
  // Error 0.1 on pixels 3 and 7 (all channels), 0.3 elsewhere: the list {3, 7} scores 20 dB, the whole
  // image far less; an out-of-range pixel or an empty list is refused.
  Image a(4, 3, 2), b(4, 3, 2);
  for (size_t p = 0; p < a.pixel_count(); ++p)
    for (int c = 0; c < 2; ++c) b.pixels[p * 2 + c] = (p == 3 || p == 7) ? 0.1f : 0.3f;
  const std::vector<uint32_t> listed{3, 7};
  EXPECT_NEAR(psnr(a, b, listed), 20.0, 1e-5);
  EXPECT_LT(psnr(a, b), 12.0);
  const std::vector<uint32_t> outside{12}, none;
  EXPECT_THROW(psnr(a, b, outside), Error);
  EXPECT_THROW(psnr(a, b, none), Error);
}

TEST(ImageMetrics, SsimIsOneForIdenticalAndMatchesDirectFormulaForConstantShift) {
  const Image a = random_image(40, 30, 3, 1);
  EXPECT_NEAR(ssim(a, a), 1.0, 1e-12);
  // Constant images: variance terms vanish, SSIM = (2 mu_a mu_b + c1) / (mu_a^2 + mu_b^2 + c1).
  Image c(20, 20, 1), d(20, 20, 1);
  for (auto& v : c.pixels) v = 0.2f;
  for (auto& v : d.pixels) v = 0.6f;
  const double c1 = 1e-4, ma = 0.2f, mb = 0.6f;
  EXPECT_NEAR(ssim(c, d), (2 * ma * mb + c1) / (ma * ma + mb * mb + c1), 1e-9);
  // Noise lowers SSIM.
  const Image n = random_image(40, 30, 3, 2);
  EXPECT_LT(ssim(a, n), 0.2);
}

TEST(ImageMetrics, PredictionsAreClampedOnlyForLowDynamicRangeTargets) {
  Image ldr(2, 1, 1), hdr(2, 1, 1), pred(2, 1, 1);
  ldr.pixels = {0.0f, 1.0f};
  hdr.pixels = {0.0f, 3.0f};
  pred.pixels = {-0.5f, 1.5f};
  EXPECT_EQ(scored_prediction(pred, ldr).pixels, std::vector<float>({0.0f, 1.0f}));
  EXPECT_EQ(scored_prediction(pred, hdr).pixels, pred.pixels);
}

TEST(ImageMetrics, ShapeMismatchAndTinyImagesAreRejected) {
  EXPECT_THROW(psnr(Image(4, 4, 3), Image(4, 5, 3)), Error);
  EXPECT_THROW(ssim(Image(8, 8, 1), Image(8, 8, 1)), Error);
}

TEST(ImageMetrics, ErrorMapIsDarkForZeroAndBrightForLargeError) {
  Image a(2, 1, 3), b(2, 1, 3);
  b.at(1, 0, 0) = b.at(1, 0, 1) = b.at(1, 0, 2) = 1.0f;
  const Image e = error_map(a, b, 0.1);
  EXPECT_LT(e.at(0, 0, 0) + e.at(0, 0, 1) + e.at(0, 0, 2), 0.05);
  EXPECT_GT(e.at(1, 0, 0) + e.at(1, 0, 1) + e.at(1, 0, 2), 2.5);
}

}  // namespace
}  // namespace nf
