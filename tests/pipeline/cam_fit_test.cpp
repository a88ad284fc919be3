// End to end, CI-sized: FFN+CAM against FFN with the same steps and backbone on real images.
#include <gtest/gtest.h>

#include "io/image_io.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_fit.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::pipeline {
namespace {

using test::GpuTest;

// 32x32 centre crops: of kodim05 (768x512; tests/assets holds its [300, 448) x [180, 320)) and of skimage's
// text.png (448x172; tests/assets holds the crop itself).
Image kodim05_centre_crop() { return crop(read_image(test::test_input("images/kodim05_x300_y180.png")), 68, 60, 32, 32); }
Image text_centre_crop() { return read_image(test::test_input("images/text_x208_y70.png")); }

// Full-image PSNR every `every` steps of a `steps`-step run of a named config.
std::vector<double> curve(gpu::Context& ctx, const std::string& name, const Image& image, uint32_t steps,
                          uint32_t every, uint32_t seed) {
  const auto config = load_config(name);
  const Image target = prepare_target(image, config.value);
  ImageExperiment e(ctx, config.value, name, &target, {"crop", target.width, target.height, target.channels}, seed, steps);
  FitOptions options;
  options.eval_every = every;
  std::vector<double> out;
  for (const auto& [step, psnr] : fit_image(e, target, options).curve) out.push_back(psnr);
  return out;
}

// Measured on lavapipe (32x32 centre crop of kodim05, 40 steps of the published recipe, seeds 0/1/2):
// FFN 13.7/13.8/14.1 dB at step 10 and 18.7/20.3/20.0 at step 40; FFN+CAM 17.2/17.2/19.9 and
// 24.9/25.8/26.1: CAM leads by 3.4 dB or more early and by 5 dB at the end. The bound is half the
// smallest lead.
TEST_F(GpuTest, FfnCamLeadsFfnOnANaturalKodakCrop) {
  const Image kodak = kodim05_centre_crop();
  const auto ffn = curve(ctx(), "ffn", kodak, 40, 10, 0);
  const auto cam = curve(ctx(), "ffn-cam", kodak, 40, 10, 0);
  ASSERT_EQ(ffn.size(), 4u);
  ASSERT_EQ(cam.size(), 4u);
  EXPECT_GT(cam[0] - ffn[0], 1.7) << "step 10: ffn " << ffn[0] << " dB, ffn-cam " << cam[0] << " dB";
  EXPECT_GT(cam[3] - ffn[3], 2.5) << "step 40: ffn " << ffn[3] << " dB, ffn-cam " << cam[3] << " dB";
  EXPECT_GT(cam[3], 22.0);
}

// text.png (skimage, gray, low contrast): the calibration said the official CAM code leads FFN by
// 6.1 dB at step 50 of 300 on a 128x128 crop. The official code (maincold2/CAM CAM_image.py, run on this
// CPU with the official settings) does not: on three 128x128 crops CAM trails FFN by 3.0-3.2 dB at
// step 50 and 3.6-5.2 dB at step 300, and on this 32x32 centre crop (40 steps, decays at 20 and 30,
// seeds 0/1/2) CAM - FFN is -1.3/-2.3/-4.3 dB at step 20 and -1.7/-2.5/-3.7 dB at step 40 (FFN
// 30.0-35.5 dB). nf, same crop, steps and seeds: +2.1/-2.6/-5.0 and +2.0/-1.5/-4.0 dB (FFN 31.3-34.2).
// The test pins that behaviour: no CAM lead on the text crop on average (bound: +1 dB), both fields learn.
TEST_F(GpuTest, FfnCamDoesNotLeadFfnOnATextCropLikeTheOfficialCode) {
  const Image text = text_centre_crop();
  double lead20 = 0, lead40 = 0;
  for (uint32_t seed = 0; seed < 3; ++seed) {
    const auto ffn = curve(ctx(), "ffn", text, 40, 20, seed);
    const auto cam = curve(ctx(), "ffn-cam", text, 40, 20, seed);
    ASSERT_EQ(ffn.size(), 2u);
    ASSERT_EQ(cam.size(), 2u);
    EXPECT_GT(ffn[1], 29.0) << "seed " << seed;
    EXPECT_GT(cam[1], 27.0) << "seed " << seed;
    lead20 += (cam[0] - ffn[0]) / 3;
    lead40 += (cam[1] - ffn[1]) / 3;
  }
  EXPECT_LT(lead20, 1.0) << "mean CAM - FFN at step 20";
  EXPECT_LT(lead40, 1.0) << "mean CAM - FFN at step 40";
}

}  // namespace
}  // namespace nf::pipeline
