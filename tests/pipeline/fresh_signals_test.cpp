#include "pipeline/fresh_signals.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "fields/radiance_field.hpp"
#include "gpu/stream.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/radiance_experiment.hpp"
#include "pipeline/sdf_experiment.hpp"
#include "render/marching_cubes.hpp"
#include "support/analytic_scene.hpp"
#include "support/gpu_test.hpp"

namespace nf::pipeline {
namespace {

namespace fs = std::filesystem;
using test::GpuTest;

json hash_encoding(double finest) {
  return {{"type", "hashgrid"}, {"levels", 6}, {"features_per_level", 2}, {"log2_table_size", 14},
          {"base_resolution", 4}, {"finest_resolution", finest}};
}

// An SDF drawn from the model family (an untrained hash-grid field with finest resolution 48): FreSh on the
// 3-D spectrum finds that resolution among candidates a factor of 4 apart.
TEST_F(GpuTest, FreshOnSdfsFindsTheResolutionATargetWasDrawnWith) {
  json config = load_config("sdf-hashgrid").value;
  config["field"]["encoding"] = hash_encoding(48);
  config["field"]["network"]["width"] = 32;
  FreshOptions o;
  o.inits = 2;
  o.bins = 24;
  o.candidates = {12, 48, 192, 768};
  SdfExperiment drawn(ctx(), config, "drawn", nullptr, {"none", {}}, 4242);
  const uint32_t n = fresh_sdf_grid(o.bins);
  const auto target = render::sample_grid(render::GridSpec{n}, [&](std::span<const float> xyz) { return drawn.evaluate(xyz); });
  const auto r = fresh_select_sdf(ctx(), config, "test", target, o);
  EXPECT_EQ(r.parameter, "finest_resolution");
  EXPECT_EQ(r.selected_value(), 48) << "W1: " << r.to_json()["mean_w1"].dump();
}

// A training photo drawn from the radiance family (the raw colour of an untrained instant-ngp field with
// finest resolution 128, at one point per ray at the camera's distance, each channel affinely brought into
// [0, 1] (an untrained field's colours vary little about their offsets) and stored as 8-bit): FreSh finds that
// resolution.
TEST_F(GpuTest, FreshOnRadianceFieldsFindsTheResolutionAPhotoWasDrawnWith) {
  const auto folder = (fs::temp_directory_path() / ("nf_fresh_scene_" + std::to_string(::getpid()))).string();
  test::write_blender_scene(test::AnalyticScene::three_spheres(), folder, 2, 1, 64);
  data::Scene scene = data::load_scene(folder);
  fs::remove_all(folder);
  json config = load_config("nerf-hashgrid").value;
  config["field"]["encoding"] = hash_encoding(128);
  config["background"] = "white";
  // The drawn photo, computed as the selection computes candidates.
  json field = config["field"];
  field["color_network"]["output_activation"] = "none";
  auto f = fields::RadianceField::create(ctx(), field, "drawn", 4096);
  f->initialize(99);
  const data::Camera& cam = scene.train[0].camera;
  const uint32_t pixels = uint32_t(cam.k.width * cam.k.height);
  nn::BatchBuffer samples(ctx(), 8, pixels, "samples"), outs(ctx(), 4, pixels, "outs");
  std::vector<float> rows(8 * size_t(samples.capacity), 0.0f);
  const double radius = length(cam.position() - scene.box.to_scene({0, 0, 0}));
  for (uint32_t p = 0; p < pixels; ++p) {
    const data::Ray ray = data::camera_ray(cam, p % uint32_t(cam.k.width) + 0.5, p / uint32_t(cam.k.width) + 0.5);
    const Vec3 x = scene.box.to_field(ray.origin + ray.direction * radius);
    for (int a = 0; a < 3; ++a) rows[size_t(a) * samples.capacity + p] = float(x[a]);
  }
  samples.buffer.upload(std::span<const float>(rows));
  gpu::Stream stream(ctx());
  f->forward(stream.begin(), samples.view(), outs.view(), pixels);
  stream.submit();
  stream.wait();
  const auto o = outs.buffer.download_all<float>();
  for (uint32_t p = 0; p < pixels; ++p) scene.train[0].rgba[p] = 255u << 24;
  for (int c = 0; c < 3; ++c) {
    const auto row = o.begin() + ptrdiff_t(c) * outs.capacity;
    const auto [lo, hi] = std::minmax_element(row, row + pixels);
    for (uint32_t p = 0; p < pixels; ++p)
      scene.train[0].rgba[p] |= uint32_t(std::lround((row[p] - *lo) / (*hi - *lo) * 255)) << (8 * c);
  }
  FreshOptions opt;
  opt.inits = 2;
  opt.bins = 16;
  opt.candidates = {8, 32, 128, 512};
  const auto r = fresh_select_radiance(ctx(), config, "test", scene, opt);
  EXPECT_EQ(r.parameter, "finest_resolution");
  EXPECT_EQ(r.selected_value(), 128) << "W1: " << r.to_json()["mean_w1"].dump();
}

}  // namespace
}  // namespace nf::pipeline
