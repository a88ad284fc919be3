// The viewer's panel and mode logic without a window: ImageMode's actions and edits on the headless test
// context, and ViewerApp's UI built through an ImGui context with no backend (fonts built, never drawn).
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <imgui.h>

#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "image_mode.hpp"
#include "io/image_io.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"
#include "viewer_app.hpp"
#include "viewer_test_support.hpp"

namespace nf::viewer {
namespace {

using test::GpuTest;

// A 48x48 crop of a real photograph, written where ImageMode can read it.
std::string crop_file() {
  static const std::string path = [] {
    const Image full = read_image(test::test_input("images/kodim05_x300_y180.png"));  // kodim05 from (300, 180)
    const auto p =
        (std::filesystem::temp_directory_path() / cat("nf_viewer_test_", ::getpid(), ".png")).string();
    write_image(p, crop(full, 0, 20, 48, 48));
    return p;
  }();
  return path;
}

ImageModeOptions rbf_options() {
  ImageModeOptions o;
  o.input = crop_file();
  o.field = "rbf";
  o.overrides = {"batch_size=2048", "steps=40"};
  return o;
}

TEST_F(GpuTest, ImageModeViewsAndLiveLearningRate) {
  ImageMode m(ctx(), rbf_options());
  EXPECT_EQ(m.view(), ImageMode::View::Reconstruction);
  EXPECT_TRUE(m.action("view:error"));
  EXPECT_EQ(m.view(), ImageMode::View::Error);
  EXPECT_TRUE(m.action("view:split"));
  EXPECT_EQ(m.view(), ImageMode::View::Split);
  EXPECT_FALSE(m.select_view(5));
  EXPECT_FALSE(m.action("no-such-action"));
  expect_error([&] { m.action("view:sideways"); }, "recon, target, error, split");

  // The learning rate applies live: no rebuild, nothing pending, the experiment's scale follows.
  const uint64_t rebuilds = m.rebuilds();
  m.train_step();
  m.readout();
  EXPECT_TRUE(m.action("lr:0.02"));
  EXPECT_DOUBLE_EQ(m.learning_rate(), 0.02);
  EXPECT_FALSE(m.rebuild_pending());
  EXPECT_EQ(m.rebuilds(), rebuilds);
  EXPECT_EQ(m.steps_done(), 1u);
  EXPECT_DOUBLE_EQ(m.experiment().learning_rate_scale(), 2.0);  // rbf's lr is 1e-2

  // Structural edits are pending until applied, which re-initialises.
  m.edit("field.network.neurons=16");
  EXPECT_TRUE(m.rebuild_pending());
  const uint64_t params = m.parameter_count();
  m.apply();
  EXPECT_FALSE(m.rebuild_pending());
  EXPECT_EQ(m.rebuilds(), rebuilds + 1);
  EXPECT_EQ(m.steps_done(), 0u);
  EXPECT_LT(m.parameter_count(), params);
  EXPECT_DOUBLE_EQ(m.experiment().learning_rate_scale(), 1.0);  // the rebuilt config holds lr 0.02

  // An invalid edit keeps the running experiment.
  m.edit("loss.type=l3");
  expect_error([&] { m.apply(); }, "l3");
  EXPECT_EQ(m.rebuilds(), rebuilds + 1);
  EXPECT_FALSE(m.last_error().empty());
}

TEST_F(GpuTest, ImageModeCamToggleRebuildsWithModulation) {
  ImageMode m(ctx(), rbf_options());
  expect_error([&] { m.action("cam:on"); }, "MLP");
  ASSERT_TRUE(m.action("field:ffn"));
  EXPECT_EQ(m.config_name(), "ffn");
  EXPECT_FALSE(m.cam_enabled());
  m.edit("field.network.width=32");
  m.apply();
  const uint64_t plain = m.parameter_count();
  ASSERT_TRUE(m.action("cam:on"));
  EXPECT_TRUE(m.cam_enabled());
  // 3 hidden layers, each modulated by a 32x32 gamma and a 32x32 beta grid.
  EXPECT_EQ(m.parameter_count(), plain + 3 * 2 * 32 * 32);
  ASSERT_TRUE(m.action("cam:off"));
  EXPECT_FALSE(m.cam_enabled());
  EXPECT_EQ(m.parameter_count(), plain);
}

TEST_F(GpuTest, ImageModeFreshPicksAndAppliesSigma) {
  ImageMode m(ctx(), rbf_options());
  ASSERT_TRUE(m.action("field:ffn"));
  m.edit("field.network.width=32");
  m.edit("field.encoding.sigma=1");
  m.apply();
  const uint64_t before = m.rebuilds();
  ASSERT_TRUE(m.action("fresh:run"));
  ASSERT_TRUE(m.fresh().has_value());
  EXPECT_EQ(m.fresh()->parameter, "sigma");
  EXPECT_EQ(m.fresh()->candidates.size(), 20u);
  EXPECT_EQ(m.rebuilds(), before) << "fresh:run only selects";
  ASSERT_TRUE(m.action("fresh:apply"));
  EXPECT_EQ(m.rebuilds(), before + 1);
  EXPECT_EQ(m.applied_config()["field"]["encoding"]["sigma"].get<double>(), m.fresh()->selected_value());
  EXPECT_GT(m.fresh()->selected_value(), 1.0) << "a 48x48 photo crop needs more than the smoothest features";
  expect_error([&] { m.action("fresh:bogus"); }, "fresh");
}

TEST_F(GpuTest, ImageModeTrainsResetsAndRoundTripsSnapshots) {
  ImageMode m(ctx(), rbf_options());
  for (int i = 0; i < 3; ++i) m.train_step();
  EXPECT_EQ(m.readout().step, 3u);
  ASSERT_TRUE(m.view_stale(0.0));
  m.refresh_view(0.0);
  ASSERT_TRUE(m.quality().has_value());
  EXPECT_FALSE(m.view_stale(0.1));
  const double psnr3 = *m.quality();
  const auto snap =
      (std::filesystem::temp_directory_path() / cat("nf_viewer_test_", ::getpid(), ".nf")).string();
  m.save_snapshot(snap);
  for (int i = 0; i < 4; ++i) m.train_step();
  m.readout();
  EXPECT_EQ(m.steps_done(), 7u);
  m.load_snapshot(snap);
  EXPECT_EQ(m.steps_done(), 3u);
  m.refresh_view(1.0);
  EXPECT_NEAR(*m.quality(), psnr3, 1e-6);
  m.reset();
  EXPECT_EQ(m.steps_done(), 0u);
  std::filesystem::remove(snap);
}

TEST_F(GpuTest, ImageModeZoomsAboutTheMouseAndPans) {
  ImageMode m(ctx(), rbf_options());
  const ViewRect rect{400, 0, 880, 800};
  Placement p = m.placement(rect);  // fitted: 48 px into 800 px, centred
  EXPECT_FLOAT_EQ(p.zoom, 800.0f / 48.0f);
  EXPECT_FLOAT_EQ(p.x0, 400 + 440 - 24 * p.zoom);
  // One wheel step at the mouse: zoom x1.25, the image point under the mouse stays under it.
  ViewportInput in;
  in.hovered = true;
  in.mouse_x = 700;
  in.mouse_y = 300;
  in.wheel = 1;
  const float ix = (in.mouse_x - p.x0) / p.zoom, iy = (in.mouse_y - p.y0) / p.zoom;
  m.handle_input(rect, in);
  p = m.placement(rect);
  EXPECT_NEAR(p.zoom, 1.25 * 800.0 / 48.0, 1e-3);
  EXPECT_NEAR(p.x0 + ix * p.zoom, 700, 1e-2);
  EXPECT_NEAR(p.y0 + iy * p.zoom, 300, 1e-2);
  // A drag moves the image with the mouse; input outside the viewport is ignored.
  ViewportInput drag;
  drag.hovered = true;
  drag.drag_dx = 30;
  drag.drag_dy = -10;
  m.handle_input(rect, drag);
  const Placement q = m.placement(rect);
  EXPECT_NEAR(q.x0, p.x0 + 30, 1e-3);
  EXPECT_NEAR(q.y0, p.y0 - 10, 1e-3);
  drag.hovered = false;
  m.handle_input(rect, drag);
  EXPECT_FLOAT_EQ(m.placement(rect).x0, q.x0);
  // The shader's mapping agrees: image x at framebuffer x is offset + (x - origin) * scale.
  const ViewportDraw d = m.viewport(rect);
  EXPECT_NEAR(d.push.offset[0] + (q.x0 - rect.x) * d.push.scale, 0.0, 1e-3);
  ASSERT_TRUE(m.action("fit"));
  EXPECT_FLOAT_EQ(m.placement(rect).zoom, 800.0f / 48.0f);
  expect_error([&] { m.action("zoom:lots"); }, "not a number");
}

TEST_F(GpuTest, PanelKeysAndBudgetWithoutAWindow) {
  HeadlessImGui imgui;
  ViewerApp app(ctx(), std::make_unique<ImageMode>(ctx(), rbf_options()));
  auto& mode = dynamic_cast<ImageMode&>(app.mode());

  ViewRect r = imgui.frame(app);
  EXPECT_FLOAT_EQ(r.x, ViewerApp::kPanelWidth);
  EXPECT_FLOAT_EQ(r.w, 1280 - ViewerApp::kPanelWidth);
  const ImDrawData* d = ImGui::GetDrawData();
  ASSERT_NE(d, nullptr);
  EXPECT_GT(d->TotalVtxCount, 1000) << "the panel draws its widgets";

  // Keys: 3 = error view, space = train, Tab = hide the UI (the viewport then takes the whole window).
  imgui.frame(app, GLFW_KEY_3);
  EXPECT_EQ(mode.view(), ImageMode::View::Error);
  imgui.frame(app, GLFW_KEY_SPACE);
  EXPECT_TRUE(app.training());
  r = imgui.frame(app, GLFW_KEY_TAB);
  EXPECT_FALSE(app.ui_visible());
  r = imgui.frame(app);
  EXPECT_FLOAT_EQ(r.x, 0.0f);
  EXPECT_FLOAT_EQ(r.w, 1280.0f);
  EXPECT_EQ(ImGui::GetDrawData()->TotalVtxCount, 0);

  // Budget: K steps per frame, one readout (one loss point) per frame.
  app.action("budget:steps=3");
  app.train_frame(0.0);
  EXPECT_EQ(mode.steps_done(), 3u);
  EXPECT_EQ(app.loss_history().size(), 1u);
  app.refresh_view(0.0);
  EXPECT_EQ(app.quality_history().size(), 1u);
  app.action("pause");
  app.train_frame(0.1);
  EXPECT_EQ(mode.steps_done(), 3u);
  app.action("step");
  app.train_frame(0.2);
  EXPECT_EQ(mode.steps_done(), 4u);
  EXPECT_FALSE(app.training());
  // A time budget trains at least one step a frame, and stops when the time is spent.
  app.action("budget:ms=1");
  app.action("train");
  app.train_frame(0.3);
  EXPECT_GT(mode.steps_done(), 4u);
  EXPECT_EQ(app.loss_history().size(), 3u);
  app.action("pause");
  app.action("reset");
  EXPECT_EQ(mode.steps_done(), 0u);
  EXPECT_TRUE(app.loss_history().empty());

  // Dropped files: an image replaces the target (a rebuild), a snapshot restores its model.
  const auto other =
      (std::filesystem::temp_directory_path() / cat("nf_viewer_drop_", ::getpid(), ".png")).string();
  write_image(other, crop(read_image(test::test_input("images/kodim08_x200_y100.png")), 0, 0, 40, 24));
  app.open_dropped(other);
  EXPECT_EQ(mode.target().width, 40);
  EXPECT_EQ(mode.target().height, 24);
  const auto snap =
      (std::filesystem::temp_directory_path() / cat("nf_viewer_drop_", ::getpid(), ".nf")).string();
  mode.train_step();
  mode.readout();
  mode.save_snapshot(snap);
  app.action("reset");
  app.open_dropped(snap);
  EXPECT_EQ(mode.steps_done(), 1u);
  app.open_dropped("/nonexistent/image.png");  // reported in the panel, the model stays
  EXPECT_EQ(mode.steps_done(), 1u);
  EXPECT_EQ(mode.target().width, 40);
  std::filesystem::remove(other);
  std::filesystem::remove(snap);
  expect_error([&] { app.action("bogus"); }, "unknown action 'bogus'");

  // The viewport mapping: fitted and centred; the split view shows the target on the right.
  mode.action("view:split");
  const ViewportDraw v = mode.viewport(r);
  EXPECT_EQ(v.push.left_plane, 0u);
  EXPECT_EQ(v.push.right_plane, 1u);
  EXPECT_FLOAT_EQ(v.push.scale, 40.0f / 1280.0f);  // the 40x24 image fills the window's width
}

}  // namespace
}  // namespace nf::viewer
