// RadianceMode without a window: cameras (orbit, pan, zoom, fly, look, snap), progressive refinement, the
// frustum overlay, the photo comparison, depth against the analytic scene's, snapshots and files, on the
// headless test context with the analytic three-sphere scene and a CI-sized config.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "io/image_io.hpp"
#include "pipeline/radiance_fit.hpp"
#include "mode_factory.hpp"
#include "radiance_mode.hpp"
#include "support/analytic_scene.hpp"
#include "support/gpu_test.hpp"
#include "viewer_app.hpp"
#include "viewer_test_support.hpp"

namespace nf::viewer {
namespace {

using test::GpuTest;
namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / cat("nf_radiance_mode_test_", ::getpid(), "_", name)).string();
}

// The analytic scene: 24 training and 3 test views of 32 x 32, written once per process.
const std::string& scene_folder() {
  static const std::string folder = [] {
    const std::string f = temp_path("scene");
    test::write_blender_scene(test::AnalyticScene::three_spheres(), f, 24, 3, 32);
    return f;
  }();
  return folder;
}

struct Cleanup : ::testing::Environment {
  void TearDown() override { fs::remove_all(scene_folder()); }
};
const auto* const cleanup = ::testing::AddGlobalTestEnvironment(new Cleanup);

RadianceModeOptions options(uint32_t steps = 300) {
  RadianceModeOptions o;
  o.input = scene_folder();
  o.seed = 1;
  o.overrides = {"field.encoding.levels=8",
                 "field.encoding.log2_table_size=15",
                 "field.encoding.finest_resolution=256",
                 "samples_per_step=16384",
                 "rays_per_step=128",
                 "occupancy.resolution=32",
                 "march.steps=256",
                 "march.max_samples_per_ray=256",
                 cat("steps=", steps)};
  return o;
}

// Refreshes until the refinement is done (as the viewer does, one refresh a frame while stale).
int refine(RadianceMode& m, double& now) {
  int refreshes = 0;
  while (m.view_stale(now) && refreshes < 10) m.refresh_view(now), ++refreshes, now += 0.01;
  return refreshes;
}

// The overlay's colour of training cameras (yellow: 255, 224, 0), which no sphere of the scene has.
bool is_train_frustum(uint32_t texel) {
  return (texel & 0xffffff) == 0x00e0ff;
}

TEST_F(GpuTest, RadianceModeCamerasProgressiveRefinementAndFrustums) {
  RadianceMode m(ctx(), options());
  EXPECT_TRUE(m.can_train());
  EXPECT_EQ(m.dataset_cameras(), 27u);
  const ViewRect rect{400, 0, 320, 240};  // small: the untrained field marches every sample
  m.handle_input(rect, {});
  double now = 0;

  // A camera change renders a quarter-scale preview, then refines to half and full scale over the next
  // refreshes.
  ASSERT_TRUE(m.action("camera:30,25,1.2"));
  EXPECT_FALSE(m.snapped());
  m.refresh_view(now);
  EXPECT_EQ(m.shown_width(), int(std::lround(320 * 0.25 * 0.25)));
  const auto& preview = m.last_render().samples.pixels;
  EXPECT_LE(*std::max_element(preview.begin(), preview.end()), float(RadianceMode::kPreviewSamples))
      << "the preview marches fewer samples";
  EXPECT_EQ(refine(m, now), 2);
  EXPECT_EQ(m.level(), RadianceMode::kLevels - 1);
  EXPECT_EQ(m.shown_width(), int(std::lround(320 * 0.25)));
  const auto& full = m.last_render().samples.pixels;
  EXPECT_GT(*std::max_element(full.begin(), full.end()), float(RadianceMode::kPreviewSamples))
      << "refined: the untrained field's rays march past the preview's cap";
  EXPECT_FALSE(m.view_stale(now)) << "refined and not training: nothing to redo";
  ASSERT_TRUE(m.action("scale:0.5"));
  refine(m, now);
  EXPECT_EQ(m.shown_width(), 160);
  EXPECT_EQ(m.shown_height(), 120);

  // Orbit turns the eye about the pivot; pan moves the pivot; zoom brings the eye closer.
  const SceneCamera c0 = m.camera();
  ASSERT_TRUE(m.action("orbit:100,0"));
  EXPECT_NEAR(m.camera().yaw, c0.yaw - 100 * SceneCamera::kRadiansPerPixel, 1e-12);
  EXPECT_NEAR(length(m.camera().eye() - m.camera().pivot), c0.distance, 1e-9);
  EXPECT_NEAR(length(m.camera().pivot - c0.pivot), 0, 1e-12);
  ASSERT_TRUE(m.action("pan:50,0"));
  EXPECT_GT(length(m.camera().pivot - c0.pivot), 0.01);
  const double d = m.camera().distance;
  ASSERT_TRUE(m.action("zoom:2"));
  EXPECT_NEAR(m.camera().distance, d * 0.81, 1e-12);
  // Flying moves eye and pivot along the view; looking turns the view about the eye.
  const Vec3 eye = m.camera().eye(), ahead = m.camera().forward();
  ASSERT_TRUE(m.action("fly:0,0,0.1"));
  EXPECT_TRUE(m.flying());
  EXPECT_NEAR(length(m.camera().eye() - (eye + ahead * 0.1)), 0, 1e-9);
  const Vec3 eye2 = m.camera().eye();
  ASSERT_TRUE(m.action("look:0,40"));
  EXPECT_NEAR(length(m.camera().eye() - eye2), 0, 1e-9);
  EXPECT_LT(dot(m.camera().forward(), ahead), 0.9999);

  // Snapping takes a dataset camera's pose; any gesture lets go of it.
  ASSERT_TRUE(m.action("snap:test:1"));
  ASSERT_TRUE(m.snapped());
  EXPECT_EQ(*m.snapped(), 25u);
  const data::Camera& test1 = m.dataset_camera(25);
  EXPECT_NEAR(length(m.camera().eye() - test1.position()), 0, 1e-9);
  EXPECT_NEAR(dot(m.camera().forward(), test1.forward()), 1, 1e-9);
  refine(m, now);
  EXPECT_EQ(m.shown_width(), 16) << "snapped: the dataset camera's size x the render scale";
  ASSERT_TRUE(m.action("orbit:1,0"));
  EXPECT_FALSE(m.snapped());
  expect_error([&] { m.action("snap:99"); }, "no dataset camera 99");
  expect_error([&] { m.action("camera:1,2"); }, "expected camera:AZIMUTH,ELEVATION,DISTANCE");
  expect_error([&] { m.action("view:nothing"); }, "views are rgb, depth");
  EXPECT_FALSE(m.action("nosuchaction:1"));

  // The frustum overlay: from the scene's frame, each training camera's centre is drawn where it projects.
  ASSERT_TRUE(m.action("camera:10,40,5"));
  ASSERT_TRUE(m.action("scale:1"));
  refine(m, now);
  int drawn = 0, visible = 0;
  for (size_t i = 0; i < 24; ++i) {
    const auto p = m.shown_point(m.dataset_camera(i).position());
    if (!p || (*p)[0] < 1 || (*p)[1] < 1 || (*p)[0] >= m.shown_width() - 1 || (*p)[1] >= m.shown_height() - 1)
      continue;
    ++visible;
    bool found = false;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx)
        found |= is_train_frustum(m.shown_texel(int((*p)[0]) + dx, int((*p)[1]) + dy));
    drawn += found;
  }
  EXPECT_GE(visible, 10);
  EXPECT_EQ(drawn, visible) << "a training camera's frustum apex is missing from the overlay";
  ASSERT_TRUE(m.action("frustums:off"));
  refine(m, now);
  int still = 0;
  for (size_t i = 0; i < 24; ++i) {
    const auto p = m.shown_point(m.dataset_camera(i).position());
    if (!p || (*p)[0] < 0 || (*p)[1] < 0 || (*p)[0] >= m.shown_width() || (*p)[1] >= m.shown_height())
      continue;
    still += is_train_frustum(m.shown_texel(int((*p)[0]), int((*p)[1])));
  }
  EXPECT_EQ(still, 0);

  const json r = m.report(rect);
  EXPECT_EQ(r["camera"]["navigate"], "orbit");
  EXPECT_EQ(r["dataset_cameras"], 27);
  EXPECT_EQ(r["frustums"], false);
  EXPECT_EQ(r["level"], RadianceMode::kLevels - 1);
}

// Trained, snapped to a test camera: the view is what the experiment renders for that camera, the photo
// comparison scores it as the evaluation does, the depth view's values on the spheres are their depths, and a
// snapshot opened without its photos renders the same.
TEST_F(GpuTest, RadianceModeTrainedViewsMatchTheRendererTheEvaluationAndTheAnalyticDepth) {
  RadianceMode m(ctx(), options(300));
  const ViewRect rect{400, 0, 640, 480};
  m.handle_input(rect, {});
  while (m.can_train()) m.train_step();
  m.readout();
  double now = 0;
  ASSERT_TRUE(m.action("snap:test:0"));
  ASSERT_TRUE(m.action("scale:1"));
  refine(m, now);
  const size_t k = 24;
  const data::Camera cam = m.dataset_camera(k);
  ASSERT_EQ(m.shown_width(), cam.k.width);
  const auto direct = m.experiment().render(cam, m.experiment().eval_background());
  EXPECT_EQ(m.last_render().rgb.pixels, direct.rgb.pixels);
  ASSERT_TRUE(m.quality());
  EXPECT_GT(*m.quality(), 24.0) << "test PSNR of the first test view";

  // The photo comparison: render | photo | error, scored as the evaluation scores that view.
  ASSERT_TRUE(m.action("view:compare"));
  refine(m, now);
  EXPECT_EQ(m.shown_width(), 3 * cam.k.width);
  ASSERT_TRUE(m.view_psnr());
  const data::Scene scene = data::load_scene(scene_folder());
  const auto eval = pipeline::evaluate_views(m.experiment(), {scene.test[0]}, false);
  EXPECT_NEAR(*m.view_psnr(), eval.views[0].psnr, 1e-9);

  // Depth: where the analytic scene is opaque, the expected depth (world units) is the exact one.
  ASSERT_TRUE(m.action("view:depth"));
  refine(m, now);
  const auto& r = m.last_render();
  const auto spheres = test::AnalyticScene::three_spheres();
  const double scale = m.experiment().scene().box.scale;
  double err = 0;
  int n = 0;
  for (int y = 0; y < cam.k.height; ++y)
    for (int x = 0; x < cam.k.width; ++x) {
      const data::Ray ray = data::camera_ray(cam, x + 0.5, y + 0.5);
      const Vec3 origin = m.experiment().scene().box.to_world(ray.origin);
      const auto truth = spheres.trace(origin, ray.direction);
      const size_t p = size_t(y) * cam.k.width + x;
      if (truth.opacity < 0.99 || r.opacity.pixels[p] < 0.9) continue;
      err += std::abs(r.depth.pixels[p] / r.opacity.pixels[p] / scale - truth.depth / truth.opacity);
      ++n;
    }
  ASSERT_GT(n, 50);
  std::printf("depth: mean |error| %.4f world units over %d opaque pixels\n", err / n, n);
  EXPECT_LT(err / n, 0.12);  // measured 0.06 (300 steps, seed 1)

  // Files: the full-size render of the snapped camera; a snapshot that opens without its photos renders the
  // same.
  const std::string png = temp_path("render.png"), snap = temp_path("snapshot.nf");
  ASSERT_TRUE(m.action("view:rgb"));
  ASSERT_TRUE(m.action("render:" + png));
  EXPECT_EQ(read_image(png).width, cam.k.width);
  ASSERT_TRUE(m.action("save:" + snap));
  const std::string moved = scene_folder() + ".moved";
  fs::rename(scene_folder(), moved);
  RadianceModeOptions o;
  o.input = snap;
  RadianceMode viewer(ctx(), o);
  fs::rename(moved, scene_folder());
  EXPECT_FALSE(viewer.can_train()) << "its photos were gone: for viewing only";
  EXPECT_NE(viewer.status().find("viewing only"), std::string::npos);
  viewer.handle_input(rect, {});
  ASSERT_TRUE(viewer.action("snap:test:0"));
  ASSERT_TRUE(viewer.action("scale:1"));
  refine(viewer, now);
  EXPECT_EQ(viewer.last_render().rgb.pixels, direct.rgb.pixels);
  expect_error([&] { viewer.action("view:compare"), viewer.run_fresh(false); }, "needs the scene's photos");
  fs::remove(png);
  fs::remove(snap);
}

// A dropped file (or the panel's open button) that another mode opens replaces the mode, after the frames in
// flight are waited for; one that fails to open keeps the current mode.
TEST_F(GpuTest, ADroppedSceneOrMeshSwitchesTheViewersMode) {
  EXPECT_EQ(mode_for(scene_folder()), "radiance");
  EXPECT_EQ(mode_for(scene_folder() + "/transforms_train.json"), "radiance");
  EXPECT_EQ(mode_for(NF_ASSETS_DIR "/meshes/spot.obj"), "sdf");
  EXPECT_EQ(mode_for(NF_ASSETS_DIR "/images/kodim01.png"), "image");
  ModeRequest start;
  start.input = NF_ASSETS_DIR "/meshes/spot.obj";
  start.overrides = {"batch_size=4096", "chunk_size=4096", "pool.size=16384"};
  ViewerApp app(ctx(), make_mode(ctx(), start));
  ASSERT_EQ(app.mode().name(), "sdf");
  app.set_mode_factory([&](const std::string& path) {
    ModeRequest r;
    r.input = path;
    r.overrides = options().overrides;
    return make_mode(ctx(), r);
  });
  int quiesced = 0;
  app.open_dropped(scene_folder(), [&] { ++quiesced; });
  EXPECT_EQ(quiesced, 1);
  ASSERT_EQ(app.mode().name(), "radiance");
  EXPECT_TRUE(app.mode().can_train());
  app.open_dropped("/nonexistent/mesh.obj", [&] { ++quiesced; });
  EXPECT_EQ(quiesced, 1) << "the new mode failed before anything was replaced";
  EXPECT_EQ(app.mode().name(), "radiance");
}

}  // namespace
}  // namespace nf::viewer
