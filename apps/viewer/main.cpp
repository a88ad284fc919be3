// nf-viewer [input | snapshot | config] — trains a field live in a window (GLFW + Vulkan swapchain + Dear
// ImGui) on the same Vulkan device that trains: images in ImageMode, meshes (.obj, .ply) and SDF snapshots
// in SdfMode, scenes and radiance snapshots in RadianceMode. Scriptable for tests and benchmarks:
//   nf-viewer INPUT --frames N --train-steps-per-frame K --screenshot FILE [--action NAME ...] [--stats]
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/atomic_file.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "pipeline/configs.hpp"
#include "mode_factory.hpp"
#include "presenter.hpp"
#include "scene_args.hpp"
#include "viewer_app.hpp"
#include "window.hpp"

namespace {

using namespace nf;
using namespace nf::viewer;

struct Args {
  std::string input;
  std::string field;  // default: rbf for images, sdf-rbf for meshes
  std::vector<std::string> overrides, actions;
  uint32_t seed = 0;
  int frames = 0;  // 0: interactive
  int train_steps_per_frame = 0;
  std::string screenshot, report, size = "1280x800";
  bool stats = false, no_vsync = false, validation = false;
  int device = -1;
  nf::cli::SceneArgs scene;
};

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}


// ImGui's context and GLFW backend, for the lifetime of the window.
struct ImGuiSession {
  explicit ImGuiSession(GLFWwindow* window) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsDark();
    if (!ImGui_ImplGlfw_InitForVulkan(window, true)) fail("Dear ImGui's GLFW backend failed to initialise");
  }
  ~ImGuiSession() {
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  ImGuiSession(const ImGuiSession&) = delete;
  ImGuiSession& operator=(const ImGuiSession&) = delete;
};

ModeRequest mode_request(const Args& a) {
  ModeRequest r;
  r.input = a.input;
  r.field = a.field;
  r.overrides = a.overrides;
  r.seed = a.seed;
  r.scene = a.scene.options();
  r.background = a.scene.background;
  return r;
}

int run(const Args& a) {
  int width = 0, height = 0;
  if (std::sscanf(a.size.c_str(), "%dx%d", &width, &height) != 2 || width < 64 || height < 64)
    fail("--size ", a.size, ": expected WIDTHxHEIGHT, at least 64x64");
  Window window(width, height, "nf-viewer");
  gpu::ContextOptions options;
  options.device = a.device;
  options.validation = a.validation;
  window.add_requirements(options);
  gpu::Context ctx(options);
  auto surface = window.create_surface(ctx.instance());
  ImGuiSession imgui(window.handle());
  VkExtent2D fb = window.framebuffer_size();
  while (fb.width == 0 || fb.height == 0) window.wait_events(0.1), fb = window.framebuffer_size();
  Presenter presenter(ctx, surface.get(), fb,
                      a.no_vsync ? present::PresentMode::Immediate : present::PresentMode::Fifo);
  ViewerApp app(ctx, make_mode(ctx, mode_request(a)));
  // A dropped file that another mode opens replaces the mode (the command line's seed and scene options kept).
  app.set_mode_factory([&](const std::string& path) {
    ModeRequest r = mode_request(a);
    r.input = path;
    r.field.clear();
    r.overrides.clear();
    return make_mode(ctx, r);
  });
  if (a.frames > 0 && a.train_steps_per_frame > 0) {
    app.budget().steps_per_frame = a.train_steps_per_frame;
    app.set_training(true);
  }
  for (const auto& act : a.actions) app.action(act);  // scripted: a failing action fails the run

  ViewRect rect;
  Image shot;
  double last = seconds_now();
  for (int frame = 0; !window.should_close(); ++frame) {
    // Scripted runs end with the first frame drawn at or after frame N - 1: a final frame skipped for a
    // swapchain recreation is drawn again (without training) so that the screenshot always exists.
    const bool final_frame = a.frames > 0 && frame >= a.frames - 1;
    window.poll_events();
    for (const auto& path : window.take_dropped_files()) app.open_dropped(path, [&] { presenter.wait_frames(); });
    if (const auto path = app.take_open_request()) app.open_dropped(*path, [&] { presenter.wait_frames(); });
    if (const auto size = app.take_window_size_request()) window.set_size(size->first, size->second);
    const double now = seconds_now();
    if (a.frames == 0 || frame < a.frames) app.train_frame(now);
    fb = window.framebuffer_size();
    if (fb.width == 0 || fb.height == 0) {  // minimised: keep training, draw nothing
      window.wait_events(app.training() ? 0.0 : 0.1);
      continue;
    }
    if (fb.width != presenter.extent().width || fb.height != presenter.extent().height) presenter.resize(fb);
    if (app.view_needs_refresh(now) || final_frame) {
      presenter.wait_frames();
      app.refresh_view(now);
    }
    presenter.new_ui_frame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    rect = app.draw_ui(float(presenter.extent().width), float(presenter.extent().height));
    ImGui::Render();
    const ViewportDraw vp = app.mode().viewport(rect);
    auto request = app.take_screenshot_request();
    if (final_frame && !a.screenshot.empty()) request = a.screenshot;
    const bool drawn = presenter.draw(&vp, ImGui::GetDrawData(), request ? &shot : nullptr);
    if (drawn && request) {
      write_image(*request, shot);
      app.note_screenshot(cat("screenshot saved: ", *request));
    }
    const double end = seconds_now();
    if (frame > 0) app.note_frame((end - last) * 1e3, presenter.last_gpu_ms());  // frame 0 includes start-up
    last = end;
    if (frame % 30 == 0) window.set_title("nf-viewer - " + app.mode().status());
    if (final_frame && drawn) break;
  }
  presenter.wait_frames();

  const auto& s = app.stats();
  json report = {{"frames", s.frames},
                 {"mean_frame_ms", s.mean_frame_ms()},
                 {"mean_gpu_frame_ms", s.mean_gpu_frame_ms()},
                 {"steps", app.mode().steps_done()},
                 {"steps_per_second", s.steps_per_second},
                 {"gpu_ms_per_step", s.last_step_gpu_ms},
                 {"quality", app.mode().quality() ? *app.mode().quality() : 0.0},
                 {"quality_name", app.mode().quality_name()},
                 {"parameters", app.mode().parameter_count()},
                 {"mode", app.mode().name()},
                 {"ui_visible", app.ui_visible()},
                 {"window", {presenter.extent().width, presenter.extent().height}},
                 {"viewport", {rect.x, rect.y, rect.w, rect.h}},
                 {"swapchain_recreations", presenter.recreations()},
                 {"device", ctx.info().name}};
  report.update(app.mode().report(rect));
  if (!a.report.empty()) write_file_atomically(a.report, report.dump(2));
  if (a.stats) {
    const auto q = app.mode().quality();
    const std::string quality = q ? cat(std::round(*q * 1000) / 1000) : std::string("n/a (untrained)");
    std::printf(
        "nf-viewer: %llu frames at %ux%u, mean frame %.2f ms (GPU %.2f ms drawing), %s, %u steps, %.1f "
        "steps/s, "
        "%s %s\n",
        static_cast<unsigned long long>(s.frames), presenter.extent().width, presenter.extent().height,
        s.mean_frame_ms(), s.mean_gpu_frame_ms(), a.train_steps_per_frame ? "training" : "paused",
        app.mode().steps_done(), s.steps_per_second, app.mode().quality_name(), quality.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "nf-viewer: train a neural field live in a window (GLFW + Vulkan + Dear ImGui). Keys: space "
      "train/pause, R reset, S screenshot, Tab hide UI, 1-5 views. Images: wheel zooms, drag pans. "
      "Meshes and scenes: left drag orbits, right/middle or shift+left drag pans, wheel zooms; scenes also fly "
      "(WASD, Q/E; left drag looks)."};
  Args a;
  cli.add_option(
      "input", a.input,
      "Image or mesh (.obj, .ply) to fit, scene (a transforms .json or its folder) to train a radiance field on, "
      "snapshot (.nf) to continue, or image config (.json); default: the bundled kodim01.png");
  cli.add_option(
         "--field", a.field,
         "Named config (" +
             [] {
               std::string s;
               for (const auto& n : pipeline::config_names()) s += (s.empty() ? "" : ", ") + n;
               return s;
             }() +
             ") or a .json file; default rbf for images, sdf-rbf for meshes, nerf-hashgrid for scenes");
  cli.add_option("--set", a.overrides, "Override a config value: path.to.key=JSON (repeatable)");
  a.scene.add_to(cli);
  cli.add_option("--seed", a.seed, "Random seed")->capture_default_str();
  cli.add_option("--frames", a.frames, "Scripted run: draw N frames, then exit (0 = interactive)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--train-steps-per-frame", a.train_steps_per_frame,
                 "Scripted run: train K steps each frame (0 = paused)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--screenshot", a.screenshot, "Scripted run: save the last frame (UI included) to this PNG");
  cli.add_option("--action", a.actions,
                 "Perform a UI action before the first frame (repeatable), e.g. view:error, "
                 "view:split, cam:on, fresh (FreSh pick, applied), lr:1e-3, set:key=JSON, field:NAME, "
                 "ui:hide; meshes: view:normals|slice, slice:C, camera:AZ,EL,DIST, scale:S, export:FILE; scenes: "
                 "view:depth|compare, camera:AZ,EL,DIST, snap:K|snap:test:K, fly:R,U,F, look:DX,DY, scale:S, "
                 "frustums:off, render:FILE, record:N:DIR");
  cli.add_option("--report", a.report,
                 "Write frame times, steps, quality (PSNR or IoU) and the viewport layout as JSON at exit");
  cli.add_flag("--stats", a.stats, "Print the mean frame time, steps and quality at exit");
  cli.add_option("--size", a.size, "Window size WIDTHxHEIGHT")->capture_default_str();
  cli.add_flag("--no-vsync", a.no_vsync,
               "Present without waiting for vertical sync (immediate mode where offered)");
  cli.add_option("--device", a.device,
                 "Vulkan device index (see `nf info`); default: NF_DEVICE or the best one")
      ->check(CLI::NonNegativeNumber);
  cli.add_flag("--validation", a.validation,
               "Enable the Khronos validation layer (also NF_VALIDATION=1); any message fails the run");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  // Validation messages are errors: printed, counted, and they fail the run at exit.
  set_log_callback([&](const LogMessage& m) {
    if (m.level >= LogLevel::Warning)
      std::fprintf(stderr, "nf-viewer: %s: %.*s\n", m.channel == "validation" ? "validation" : "warning",
                   int(m.text.size()), m.text.data());
  });
  int rc = 0;
  ValidationGate gate;
  try {
    rc = run(a);
  } catch (const Error& e) {
    std::fprintf(stderr, "nf-viewer: error: %s\n", e.what());
    rc = 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nf-viewer: internal error: %s\n", e.what());
    rc = 3;
  }
  return gate.exit_code(rc, "nf-viewer");
}
