// SdfMode without a window: actions, camera gestures, the slice's colours, IoU, snapshots and mesh export on
// the headless test context (the bundled spot mesh, a CI-sized config), and its panel through ImGui.
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/mesh.hpp"
#include "pipeline/sdf_metrics.hpp"
#include "sdf_mode.hpp"
#include "sdf_view.hpp"
#include "support/gpu_test.hpp"
#include "viewer_test_support.hpp"

namespace nf::viewer {
namespace {

using test::GpuTest;
namespace fs = std::filesystem;

const std::string kSpot = NF_ASSETS_DIR "/meshes/spot.obj";

SdfModeOptions spot_options() {
  SdfModeOptions o;
  o.input = kSpot;
  o.field = "sdf-rbf";
  o.overrides = {"batch_size=4096", "chunk_size=4096", "pool.size=16384", "steps=200"};
  o.iou_points = 4096;
  return o;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / cat("nf_sdf_mode_test_", ::getpid(), "_", name)).string();
}

TEST_F(GpuTest, SdfModeViewsCameraAndScriptedActions) {
  SdfMode m(ctx(), spot_options());
  EXPECT_EQ(m.view(), SdfMode::View::Shaded);
  EXPECT_TRUE(m.can_train());
  EXPECT_TRUE(m.action("view:normals"));
  EXPECT_EQ(m.view(), SdfMode::View::Normals);
  EXPECT_TRUE(m.select_view(4));
  EXPECT_EQ(m.view(), SdfMode::View::Steps);
  EXPECT_FALSE(m.select_view(6));
  EXPECT_TRUE(m.action("slice:-0.25"));
  EXPECT_EQ(m.view(), SdfMode::View::Slice);
  EXPECT_DOUBLE_EQ(m.slice(), -0.25);
  EXPECT_TRUE(m.action("camera:-40,10,2.5"));
  EXPECT_DOUBLE_EQ(m.camera().azimuth_deg, -40);
  EXPECT_DOUBLE_EQ(m.camera().elevation_deg, 10);
  EXPECT_DOUBLE_EQ(m.camera().distance, 2.5);
  EXPECT_TRUE(m.action("scale:0.25"));
  EXPECT_FLOAT_EQ(m.scale(), 0.25f);
  EXPECT_TRUE(m.action("iterations:32"));
  EXPECT_EQ(m.iterations(), 32u);
  EXPECT_FALSE(m.fd_normals());
  EXPECT_TRUE(m.action("normals:fd"));
  EXPECT_TRUE(m.fd_normals());
  EXPECT_TRUE(m.action("normals:analytic"));
  EXPECT_FALSE(m.fd_normals());
  EXPECT_FALSE(m.action("zoom:2"));
  expect_error([&] { m.action("view:error"); }, "shaded, normals, depth, steps, slice");
  expect_error([&] { m.action("slice:2"); }, "not a number in [-1, 1]");
  expect_error([&] { m.action("camera:1,2"); }, "camera:AZIMUTH,ELEVATION,DISTANCE");
  expect_error([&] { m.action("camera:0,90,3"); }, "elevation");
  expect_error([&] { m.action("scale:0"); }, "not a number");
  expect_error([&] { m.action("normals:smooth"); }, "normals:analytic or normals:fd");

  // The learning rate applies live; a structural edit re-initialises.
  EXPECT_TRUE(m.action("lr:0.01"));
  EXPECT_DOUBLE_EQ(m.experiment().learning_rate_scale(), 2.0);  // sdf-rbf's lr is 5e-3
  EXPECT_FALSE(m.edits().rebuild_pending());
  const uint64_t rebuilds = m.rebuilds(), params = m.parameter_count();
  EXPECT_TRUE(m.action("set:field.network.neurons=16"));
  EXPECT_EQ(m.rebuilds(), rebuilds + 1);
  EXPECT_LT(m.parameter_count(), params);
  ASSERT_TRUE(m.action("field:sdf-hashgrid"));
  EXPECT_EQ(m.config_name(), "sdf-hashgrid");
  expect_error([&] { m.action("field:no-such-config"); }, "no-such-config");
  EXPECT_EQ(m.config_name(), "sdf-hashgrid");
}

TEST_F(GpuTest, SdfModeCameraGesturesAndRenderSizes) {
  SdfMode m(ctx(), spot_options());
  const ViewRect rect{400, 0, 880, 800};
  ViewportInput in;
  in.hovered = true;
  m.handle_input(rect, in);
  EXPECT_EQ(m.next_extent().width, 110);  // 880 x 1/8
  EXPECT_EQ(m.next_extent().height, 100);
  ASSERT_TRUE(m.view_stale(0.0));
  m.refresh_view(0.0);
  EXPECT_EQ(m.shown_extent().width, 110);
  EXPECT_FALSE(m.view_stale(0.1)) << "nothing changed, nothing trained";
  // The shown image fills the viewport (centred, 8 framebuffer pixels a texel).
  const Placement p = m.placement(rect);
  EXPECT_FLOAT_EQ(p.zoom, 8.0f);
  EXPECT_FLOAT_EQ(p.x0, 400.0f);

  // Left drag orbits (the preview then renders at half the scale), right drag pans, the wheel zooms.
  const render::OrbitCamera before = m.camera();
  in.drag = Drag::Primary;
  in.drag_dx = 10;
  in.drag_dy = -5;
  m.handle_input(rect, in);
  EXPECT_NEAR(m.camera().azimuth_deg, before.azimuth_deg - 4, 1e-9);
  EXPECT_NEAR(m.camera().elevation_deg, before.elevation_deg - 2, 1e-9);
  EXPECT_TRUE(m.view_stale(0.2));
  EXPECT_EQ(m.next_extent().width, 55);
  m.refresh_view(0.2);
  EXPECT_TRUE(m.shown_preview());
  in.drag = Drag::Secondary;
  m.handle_input(rect, in);
  EXPECT_GT(length(m.camera().target), 0.0);
  EXPECT_DOUBLE_EQ(m.camera().azimuth_deg, before.azimuth_deg - 4) << "a pan does not orbit";
  in.drag = Drag::None;
  in.drag_dx = in.drag_dy = 0;
  in.wheel = 2;
  m.handle_input(rect, in);
  EXPECT_NEAR(m.camera().distance, before.distance * 0.85 * 0.85, 1e-9);
  // The drag ended: the full-scale view is due even without another change.
  m.refresh_view(0.3);
  EXPECT_FALSE(m.shown_preview());
  EXPECT_EQ(m.shown_extent().width, 110);

  // Input outside the viewport is ignored; in the slice view the wheel moves the plane.
  in.hovered = false;
  m.handle_input(rect, in);
  EXPECT_NEAR(m.camera().distance, before.distance * 0.85 * 0.85, 1e-9);
  ASSERT_TRUE(m.action("view:slice"));
  in.hovered = true;
  in.wheel = -1;
  m.handle_input(rect, in);
  EXPECT_NEAR(m.slice(), -0.02, 1e-12);
  EXPECT_EQ(m.next_extent().width, 200);  // slices: 2 x scale x the viewport's shorter side
}

TEST(SdfView, SliceColoursAndContour) {
  // A disc of radius 0.5 in the plane: sdf = |p| - 0.5 at the slice's points.
  const uint32_t n = 64;
  const auto xyz = slice_points(n, 0.3);
  ASSERT_EQ(xyz.size(), 3u * n * n);
  EXPECT_FLOAT_EQ(xyz[0], -1.0f + 1.0f / n);  // top-left: x = -1, y = +1 (pixel centres)
  EXPECT_FLOAT_EQ(xyz[1], 1.0f - 1.0f / n);
  EXPECT_FLOAT_EQ(xyz[2], 0.3f);
  std::vector<float> sdf(n * n);
  for (uint32_t i = 0; i < n * n; ++i) sdf[i] = std::hypot(xyz[3 * i], xyz[3 * i + 1]) - 0.5f;
  std::vector<uint32_t> texels(n * n);
  colour_slice(sdf, n, 0.5, texels.data());
  auto channel = [&](uint32_t row, uint32_t col, int c) {
    return (texels[row * n + col] >> (8 * c)) & 0xffu;
  };
  // Centre (sdf -0.5): saturated blue; corner (sdf ~0.9): saturated red; on the circle: black.
  EXPECT_GT(channel(n / 2, n / 2, 2), 200u);
  EXPECT_LT(channel(n / 2, n / 2, 0), 60u);
  EXPECT_GT(channel(0, 0, 0), 200u);
  EXPECT_LT(channel(0, 0, 2), 60u);
  uint32_t black = 0;
  for (uint32_t i = 0; i < n * n; ++i) black += (texels[i] & 0xffffffu) == 0;
  // The contour: pixels beside a sign change on both sides, about 2 x 2 pi r n / 2 of them.
  EXPECT_NEAR(double(black), 2 * 3.14159 * 0.5 * n, 0.35 * 3.14159 * 0.5 * n);
  EXPECT_EQ(texels[(n / 2) * n + n / 2 + uint32_t(0.5 * n / 2)] & 0xffffffu, 0u) << "x = 0.5 lies on it";
}

TEST_F(GpuTest, SdfModeTrainsMeasuresIouAndRoundTripsSnapshots) {
  SdfMode m(ctx(), spot_options());
  m.refresh_view(0.0);
  EXPECT_FALSE(m.quality().has_value()) << "no IoU before training";
  for (int i = 0; i < 60; ++i) m.train_step();
  EXPECT_EQ(m.readout().step, 60u);
  // Training moved on: stale once max(1 s, 4 x the last render's time) passed since the last refresh.
  const double interval = std::max(1.0, 4e-3 * m.last_render_ms());
  EXPECT_FALSE(m.view_stale(0.9 * interval));
  EXPECT_TRUE(m.view_stale(1.01 * interval));
  m.refresh_view(2.0 * interval);
  ASSERT_TRUE(m.quality().has_value());
  // The probe is sdf_iou's estimate on the same points.
  const data::MeshSdf truth(data::load_mesh(kSpot).mesh);
  EXPECT_DOUBLE_EQ(*m.quality(), pipeline::sdf_iou(m.experiment(), truth, 4096, 4242));
  EXPECT_GT(*m.quality(), 0.5) << "60 steps give spot's rough shape";
  const double iou60 = *m.quality();

  const std::string snap = temp_path("spot.nf");
  m.save_snapshot(snap);
  for (int i = 0; i < 5; ++i) m.train_step();
  m.readout();
  m.load_snapshot(snap);
  EXPECT_EQ(m.steps_done(), 60u);
  EXPECT_TRUE(m.can_train()) << "its mesh is there: training goes on";
  m.refresh_view(3.0 * interval);
  EXPECT_DOUBLE_EQ(*m.quality(), iou60);
  m.train_step();
  EXPECT_EQ(m.readout().step, 61u);
  m.reset();
  EXPECT_EQ(m.steps_done(), 0u);
  fs::remove(snap);
  // Opening a mesh (the panel's open button, drag and drop) starts afresh on it with the current config.
  const std::string copy = temp_path("cow.obj");
  fs::copy_file(kSpot, copy);
  const uint64_t rebuilds = m.rebuilds();
  m.open_input(copy);
  EXPECT_EQ(m.rebuilds(), rebuilds + 1);
  EXPECT_EQ(m.status().find(fs::path(copy).filename().string()), 0u);
  EXPECT_TRUE(m.can_train());
  fs::remove(copy);
  expect_error([&] { m.load_snapshot("/nonexistent/x.nf"); }, "/nonexistent/x.nf");
  expect_error([&] { m.open_input("/nonexistent/mesh.obj"); }, "/nonexistent/mesh.obj");
  EXPECT_EQ(m.status().find(fs::path(copy).filename().string()), 0u) << "a failed open keeps the mesh";
}

TEST_F(GpuTest, SdfModeExportsTheZeroLevelSetInMeshUnits) {
  SdfMode m(ctx(), spot_options());
  for (int i = 0; i < 60; ++i) m.train_step();
  m.readout();
  const std::string out = temp_path("export.obj");
  ASSERT_TRUE(m.action("export-res:48"));
  ASSERT_TRUE(m.action("export:" + out));
  // Written in the mesh file's units: its bounding box is close to spot's own.
  const auto exported = data::load_mesh(out), spot = data::load_mesh(kSpot);
  EXPECT_GT(exported.report.triangles, 500u);
  EXPECT_NEAR(exported.transform.scale, spot.transform.scale, 0.15 * spot.transform.scale);
  EXPECT_LT(length(exported.transform.centre - spot.transform.centre), 0.1 / spot.transform.scale);
  fs::remove(out);
  expect_error([&] { m.action("export:" + temp_path("mesh.stl")); }, "mesh.stl");
  EXPECT_FALSE(fs::exists(temp_path("mesh.stl")));
}

TEST_F(GpuTest, SdfPanelAndKeysWithoutAWindow) {
  HeadlessImGui imgui;
  ViewerApp app(ctx(), std::make_unique<SdfMode>(ctx(), spot_options()));
  auto& mode = dynamic_cast<SdfMode&>(app.mode());
  imgui.frame(app);
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 1000) << "the panel draws its widgets";
  imgui.frame(app, GLFW_KEY_5);
  EXPECT_EQ(mode.view(), SdfMode::View::Slice);
  imgui.frame(app, GLFW_KEY_2);
  EXPECT_EQ(mode.view(), SdfMode::View::Normals);
  app.action("budget:steps=4");
  app.action("train");
  app.train_frame(0.0);
  EXPECT_EQ(mode.steps_done(), 4u);
  app.refresh_view(0.0);
  ASSERT_EQ(app.quality_history().size(), 1u);
  EXPECT_FLOAT_EQ(app.quality_history()[0], float(*mode.quality()));
  app.action("reset");
  EXPECT_EQ(mode.steps_done(), 0u);
  EXPECT_TRUE(app.quality_history().empty());
  expect_error([&] { app.action("bogus"); }, "camera:AZ,EL,DIST");
}

}  // namespace
}  // namespace nf::viewer
