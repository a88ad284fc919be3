#include "radiance_mode.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/fresh_signals.hpp"
#include "pipeline/radiance_fit.hpp"

namespace nf::viewer {
namespace {

namespace fs = std::filesystem;

constexpr double kMinRefreshSeconds = 1.0;  // while training: re-render at most this often ...
constexpr double kRenderShare = 4.0;        // ... and at most every kRenderShare x the last render's time
constexpr double kMinPsnrSeconds = 5.0;     // the test PSNR: at most this often ...
constexpr double kPsnrShare = 10.0;         // ... and at most every kPsnrShare x its last cost
constexpr float kLevelScale[RadianceMode::kLevels] = {0.25f, 0.5f, 1.0f};
const char* const kViewNames[] = {"rgb", "depth", "opacity", "samples", "compare"};
constexpr uint32_t kTrainColour = 0xff00e0ffu, kTestColour = 0xffffe000u;  // RGBA8, R in the low byte

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> radiance_config_names() {
  std::vector<std::string> names;
  for (const auto& n : pipeline::config_names())
    if (n.rfind("nerf-", 0) == 0) names.push_back(n);
  return names;
}

bool is_config_name(const std::string& name) {
  const auto names = pipeline::config_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Images side by side (3 channels each, equal heights).
Image side_by_side(const std::vector<const Image*>& images) {
  int width = 0;
  for (const Image* i : images) width += i->width;
  Image out(width, images.front()->height, 3);
  int x0 = 0;
  for (const Image* i : images) {
    for (int y = 0; y < i->height; ++y)
      for (int x = 0; x < i->width; ++x)
        for (int c = 0; c < 3; ++c)
          out.pixels[(size_t(y) * width + x0 + x) * 3 + c] =
              i->pixels[(size_t(y) * i->width + x) * i->channels + size_t(std::min(c, i->channels - 1))];
    x0 += i->width;
  }
  return out;
}

// A line from a to b (texel coordinates) into RGBA8 texels, clipped to the image.
void draw_line(uint32_t* texels, int width, int height, std::array<double, 2> a, std::array<double, 2> b,
               uint32_t colour) {
  const double limit = 4.0 * (width + height);
  for (double v : {a[0], a[1], b[0], b[1]})
    if (!(std::abs(v) < limit)) return;  // far outside (or not finite): not worth walking
  const int n = int(std::ceil(std::max(std::abs(b[0] - a[0]), std::abs(b[1] - a[1])))) + 1;
  for (int i = 0; i <= n; ++i) {
    const double t = double(i) / n;
    const int x = int(std::floor(a[0] + (b[0] - a[0]) * t)), y = int(std::floor(a[1] + (b[1] - a[1]) * t));
    if (x >= 0 && y >= 0 && x < width && y < height) texels[size_t(y) * width + x] = colour;
  }
}

}  // namespace

bool is_scene_path(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  if (fs::path(path).extension() != ".json" || !fs::is_regular_file(path, ec)) return false;
  try {
    return read_json_file(path).contains("frames");
  } catch (const Error&) {
    return false;
  }
}

RadianceMode::RadianceMode(gpu::Context& ctx, const RadianceModeOptions& options)
    : ctx_(ctx), options_(options) {
  if (!is_scene_path(options.input)) {
    load_snapshot(options.input);
    if (options.overrides.empty()) return;
    json c = edits_.edited();
    for (const auto& o : options.overrides) pipeline::apply_override(c, o);
    rebuild(c);
    return;
  }
  auto config = pipeline::load_config(options.field);
  for (const auto& o : options.overrides) pipeline::apply_override(config.value, o);
  if (!options.background.empty()) {
    data::Background::parse(options.background);  // fails naming the value
    config.value["background"] = options.background;
  }
  config_name_ = config.name;
  scene_ = std::make_shared<const data::Scene>(data::load_scene(options.input, options.scene));
  rebuild(config.value);
  camera_ = SceneCamera::around(frame_);
}

void RadianceMode::install(std::unique_ptr<pipeline::RadianceExperiment> e,
                           std::shared_ptr<const data::Scene> scene, const json& config) {
  experiment_ = std::move(e);  // the old experiment goes first
  scene_ = std::move(scene);
  frame_ = pipeline::scene_frame(experiment_->scene());
  edits_.set_applied(config);
  psnr_.reset();
  psnr_step_ = UINT32_MAX;
  if (snapped_ && *snapped_ >= dataset_cameras()) snapped_.reset();
  error_.clear();
  force_refresh_ = true;
}

void RadianceMode::rebuild(const json& config) {
  if (!scene_) fail("the scene's photos are not there: this snapshot is for viewing only");
  json c = config;
  const std::string where = "viewer config " + config_name_;
  pipeline::resolve_fresh_init(c, where, [&](const pipeline::FreshOptions& o) {
    return pipeline::fresh_select_radiance(ctx_, c, where, *scene_, o);
  });
  auto e = std::make_unique<pipeline::RadianceExperiment>(
      ctx_, c, config_name_, scene_.get(), pipeline::RadianceSceneInfo::of(*scene_), options_.seed);
  install(std::move(e), scene_, c);
}

void RadianceMode::apply() {
  try {
    rebuild(edits_.edited());
    notice_ = cat("re-initialised: ", config_name_, " with ", parameter_count(), " parameters");
  } catch (const Error& e) {
    error_ = e.what();
    throw;
  }
}

void RadianceMode::edit(const std::string& assignment) {
  edits_.edit(assignment);
  experiment_->set_learning_rate_scale(edits_.learning_rate_scale());
}

TrainReadout RadianceMode::readout() {
  const auto r = experiment_->report();
  return {r.step, r.loss, r.gpu_ms};
}

void RadianceMode::reset() {
  rebuild(edits_.edited());
  notice_ = "reset: fresh parameters";
}

size_t RadianceMode::dataset_cameras() const {
  const auto& s = experiment_->scene();
  return s.train_cameras.size() + s.test_cameras.size();
}

const data::Camera& RadianceMode::dataset_camera(size_t index) const {
  const auto& s = experiment_->scene();
  NF_ASSERT(index < dataset_cameras(), "dataset camera index out of range: check dataset_cameras() first");
  return index < s.train_cameras.size() ? s.train_cameras[index]
                                        : s.test_cameras[index - s.train_cameras.size()];
}

void RadianceMode::snap(size_t index) {
  if (index >= dataset_cameras())
    fail("snap: no dataset camera ", index, " (the scene has ", dataset_cameras(), ")");
  camera_ = SceneCamera::from(dataset_camera(index), frame_);
  snapped_ = index;
  level_ = 0;
  force_refresh_ = true;
}

void RadianceMode::moved() {
  snapped_.reset();
  level_ = 0;
  force_refresh_ = true;
}

const data::PosedView* RadianceMode::snapped_photo() const {
  if (!snapped_ || !scene_) return nullptr;
  const size_t train = scene_->train.size();
  const auto& list = *snapped_ < train ? scene_->train : scene_->test;
  const size_t k = *snapped_ < train ? *snapped_ : *snapped_ - train;
  return k < list.size() && !list[k].rgba.empty() ? &list[k] : nullptr;
}

data::Background RadianceMode::shown_background() const {
  return display_background_.empty() ? experiment_->eval_background()
                                     : data::Background::parse(display_background_);
}

data::Camera RadianceMode::next_camera() const {
  // The photo comparison scores the dataset camera's own pixels: its last level is the camera's size.
  const bool own_size = view_ == View::Compare && snapped_photo() && level_ == kLevels - 1;
  const float s = own_size ? 1.0f : scale_ * kLevelScale[level_];
  if (snapped_) {
    const auto& c = dataset_camera(*snapped_);
    return pipeline::resized_camera(c, std::max(8, int(std::lround(c.k.width * s))),
                                    std::max(8, int(std::lround(c.k.height * s))));
  }
  return camera_.camera(std::max(16, int(std::lround(rect_.w * s))),
                        std::max(16, int(std::lround(rect_.h * s))));
}

bool RadianceMode::view_stale(double now_s) const {
  if (force_refresh_) return true;
  if (!moving_ && shown_level_ < kLevels - 1) return true;  // refine
  const data::Camera c = next_camera();
  if (!moving_ && shown_level_ == level_ &&
      (c.k.width != shown_camera_.k.width || c.k.height != shown_camera_.k.height))
    return true;
  const double interval = std::max(kMinRefreshSeconds, kRenderShare * render_ms_ * 1e-3);
  return experiment_->steps_done() != shown_step_ && now_s - last_refresh_s_ >= interval;
}

void RadianceMode::refresh_view(double now_s) {
  if (!moving_ && !force_refresh_ && shown_level_ == level_ && level_ < kLevels - 1) ++level_;
  const auto t0 = std::chrono::steady_clock::now();
  const data::Camera cam = next_camera();
  const data::Background bg = shown_background();
  render_ = experiment_->render(cam, bg, level_ == 0 ? kPreviewSamples : 0);
  shown_camera_ = cam;
  Image shown;
  view_psnr_.reset();
  const data::PosedView* photo = view_ == View::Compare ? snapped_photo() : nullptr;
  if (photo && photo->camera.k.width == cam.k.width && photo->camera.k.height == cam.k.height) {
    const Image target = pipeline::composite(*photo, bg);
    const Image error = error_map(render_.rgb, target, 0.1);
    view_psnr_ = psnr(scored_prediction(render_.rgb, target), target);
    shown = side_by_side({&render_.rgb, &target, &error});
  } else {
    const auto v = pipeline::radiance_view_image(
        render_,
        view_ == View::Compare ? pipeline::RadianceView::Rgb : pipeline::RadianceView(int(view_) - 1),
        experiment_->scene().box.scale);
    if (view_ == View::Depth) depth_lo_ = v.lo, depth_hi_ = v.hi;
    if (view_ == View::Samples) samples_hi_ = v.hi;
    shown = v.image;
  }
  const uint64_t bytes = uint64_t(shown.width) * shown.height * 4;
  if (!texels_ || texels_.size() != bytes)
    texels_ = gpu::Buffer(ctx_, bytes, "viewer radiance view", gpu::MemoryUsage::Host);
  auto* texels = static_cast<uint32_t*>(texels_.mapped());
  NF_ASSERT(texels, "the viewer's radiance view is host-visible and mapped");
  pack_image(shown, texels);
  if (frustums_ && !photo) draw_frustums(texels, shown.width, shown.height, cam);
  shown_width_ = shown.width;
  shown_height_ = shown.height;
  shown_level_ = level_;
  render_ms_ = seconds_since(t0) * 1e3;
  shown_step_ = experiment_->steps_done();
  last_refresh_s_ = now_s;
  force_refresh_ = false;

  // The quality readout: the first test views' PSNR, when training moved on and its time budget allows.
  const bool due = now_s - last_psnr_s_ >= std::max(kMinPsnrSeconds, kPsnrShare * psnr_ms_ * 1e-3);
  if (scene_ && options_.psnr_views && !scene_->test.empty() && steps_done() > 0 &&
      steps_done() != psnr_step_ && due) {
    const auto t1 = std::chrono::steady_clock::now();
    psnr_ = pipeline::evaluate_views(*experiment_, scene_->test, false, options_.psnr_views).psnr;
    psnr_ms_ = seconds_since(t1) * 1e3;
    psnr_step_ = steps_done();
    last_psnr_s_ = now_s;
  }
}

void RadianceMode::draw_frustums(uint32_t* texels, int width, int height, const data::Camera& shown) const {
  const double depth = 0.1 * frame_.radius;
  const Vec3 eye = shown.position(), ahead = shown.forward();
  const auto in_view = [&](const Vec3& p) -> std::optional<std::array<double, 2>> {
    if (dot(p - eye, ahead) < 1e-3 * frame_.radius) return std::nullopt;
    return data::project(shown, p);
  };
  const size_t train = experiment_->scene().train_cameras.size();
  for (size_t i = 0; i < dataset_cameras(); ++i) {
    if (snapped_ && *snapped_ == i) continue;  // seen from itself
    const data::Camera& c = dataset_camera(i);
    const uint32_t colour = i < train ? kTrainColour : kTestColour;
    const auto apex = in_view(c.position());
    std::array<std::optional<std::array<double, 2>>, 4> corner;
    const double uv[4][2] = {
        {0, 0}, {double(c.k.width), 0}, {double(c.k.width), double(c.k.height)}, {0, double(c.k.height)}};
    for (int k = 0; k < 4; ++k) {
      const data::Ray r = data::camera_ray(c, uv[k][0], uv[k][1]);
      corner[k] = in_view(r.origin + r.direction * (depth / std::max(1e-6, dot(r.direction, c.forward()))));
    }
    for (int k = 0; k < 4; ++k) {
      if (apex && corner[k]) draw_line(texels, width, height, *apex, *corner[k], colour);
      if (corner[k] && corner[(k + 1) % 4])
        draw_line(texels, width, height, *corner[k], *corner[(k + 1) % 4], colour);
    }
  }
}

std::optional<std::array<double, 2>> RadianceMode::shown_point(const Vec3& p) const {
  if (shown_width_ == 0 || dot(p - shown_camera_.position(), shown_camera_.forward()) <= 0)
    return std::nullopt;
  return data::project(shown_camera_, p);
}

uint32_t RadianceMode::shown_texel(int x, int y) const {
  NF_ASSERT(x >= 0 && y >= 0 && x < shown_width_ && y < shown_height_,
            "shown_texel: outside the shown image");
  return static_cast<const uint32_t*>(texels_.mapped())[size_t(y) * shown_width_ + x];
}

Placement RadianceMode::placement(const ViewRect& rect) const {
  return fitted_placement(rect, shown_width_, shown_height_);
}

void RadianceMode::handle_input(const ViewRect& rect, const ViewportInput& in) {
  rect_ = rect;
  bool changed = false;
  if (in.hovered) {
    const bool motion = in.drag_dx != 0 || in.drag_dy != 0;
    if (motion && in.drag == Drag::Primary) {
      if (fly_)
        camera_.look(in.drag_dx, in.drag_dy);
      else
        camera_.orbit(in.drag_dx, in.drag_dy);
      changed = true;
    }
    if (motion && in.drag == Drag::Secondary) camera_.pan(in.drag_dx, in.drag_dy, rect.h), changed = true;
    if (in.wheel != 0) {
      if (fly_)
        camera_.fly(0, 0, 0.05 * frame_.radius * in.wheel);
      else
        camera_.zoom(in.wheel);
      changed = true;
    }
  }
  if (fly_ && (in.move[0] != 0 || in.move[1] != 0 || in.move[2] != 0)) {
    const double step =
        0.5 * frame_.radius * std::clamp(double(in.dt), 0.0, 0.1);  // half the radius a second
    camera_.fly(in.move[0] * step, in.move[1] * step, in.move[2] * step);
    changed = true;
  }
  moving_ = changed || (in.hovered && in.drag != Drag::None);
  if (changed) moved();
}

ViewportDraw RadianceMode::viewport(const ViewRect& rect) const {
  ViewportDraw d;
  d.planes = &texels_;
  const Placement p = placement(rect);
  d.push = placed_push(rect, p.x0, p.y0, p.zoom, uint32_t(shown_width_), uint32_t(shown_height_));
  return d;
}

void RadianceMode::set_view(View v) {
  if (v != view_) view_ = v, level_ = 0, force_refresh_ = true;
}

bool RadianceMode::select_view(int number) {
  if (number < 1 || number > 5) return false;
  set_view(View(number));
  return true;
}

bool RadianceMode::action(const std::string& a) {
  const auto colon = a.find(':');
  const std::string verb = a.substr(0, colon), arg = colon == std::string::npos ? "" : a.substr(colon + 1);
  const auto numbers = [&](int count, const char* expected) {
    std::vector<double> v(static_cast<size_t>(count), 0.0);
    char tail = 0;
    int got = 0;
    if (count == 2) got = std::sscanf(arg.c_str(), "%lf,%lf%c", &v[0], &v[1], &tail);
    if (count == 3) got = std::sscanf(arg.c_str(), "%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &tail);
    for (double x : v) got = std::isfinite(x) ? got : 0;
    if (got != count) fail("action ", a, ": expected ", verb, ":", expected);
    return v;
  };
  if (verb == "view") {
    for (int i = 0; i < 5; ++i)
      if (arg == kViewNames[i]) return select_view(i + 1);
    fail("action ", a, ": views are rgb, depth, opacity, samples, compare");
  }
  if (verb == "camera") {
    const auto v = numbers(3, "AZIMUTH,ELEVATION,DISTANCE (degrees; scene units)");
    if (!(std::abs(v[1]) <= 85) || !(v[2] > 0)) fail("action ", a, ": |elevation| <= 85 and distance > 0");
    camera_ = SceneCamera::around(frame_);
    camera_.yaw = v[0] * M_PI / 180;
    camera_.pitch = -v[1] * M_PI / 180;
    camera_.distance = v[2];
    fly_ = false;
    return moved(), true;
  }
  if (verb == "snap") {
    const size_t train = experiment_->scene().train_cameras.size();
    if (arg.rfind("test:", 0) == 0)
      return snap(train + size_t(action_number(a, arg.substr(5), 0, 1e9))), true;
    if (arg.rfind("train:", 0) == 0)
      return snap(size_t(action_number(a, arg.substr(6), 0, double(train) - 1))), true;
    return snap(size_t(action_number(a, arg, 0, 1e9))), true;
  }
  if (verb == "navigate") {
    if (arg != "orbit" && arg != "fly") fail("action ", a, ": navigate:orbit or navigate:fly");
    fly_ = arg == "fly";
    return true;
  }
  if (verb == "fly") {
    const auto v = numbers(3, "RIGHT,UP,FORWARD (scene units along the view)");
    fly_ = true;
    camera_.fly(v[0], v[1], v[2]);
    return moved(), true;
  }
  if (verb == "look" || verb == "orbit" || verb == "pan") {
    const auto v = numbers(2, "DX,DY (framebuffer pixels)");
    if (verb == "look") camera_.look(v[0], v[1]);
    if (verb == "orbit") camera_.orbit(v[0], v[1]);
    if (verb == "pan") camera_.pan(v[0], v[1], rect_.h);
    return moved(), true;
  }
  if (verb == "zoom") return camera_.zoom(action_number(a, arg, -100, 100)), moved(), true;
  if (verb == "fov") return camera_.fov_deg = action_number(a, arg, 5, 150), moved(), true;
  if (verb == "scale")
    return scale_ = float(action_number(a, arg, kMinScale, kMaxScale)), level_ = 0, force_refresh_ = true,
           true;
  if (verb == "frustums") {
    if (arg != "on" && arg != "off") fail("action ", a, ": frustums:on or frustums:off");
    frustums_ = arg == "on";
    return force_refresh_ = true, true;
  }
  if (verb == "background") {
    if (!arg.empty() && data::Background::parse(arg).random)
      fail("action ", a, ": renders take a fixed colour");
    display_background_ = arg;
    return force_refresh_ = true, true;
  }
  if (verb == "field" || verb == "cam") {
    std::string name = arg;
    if (verb == "cam") {
      if (arg != "on" && arg != "off") fail("action ", a, ": cam:on or cam:off");
      const std::string base =
          config_name_.size() > 4 && config_name_.compare(config_name_.size() - 4, 4, "-cam") == 0
              ? config_name_.substr(0, config_name_.size() - 4)
              : config_name_;
      name = arg == "on" ? base + "-cam" : base;
      if (!is_config_name(name))
        fail("action ", a, ": no built-in config ", name,
             " (CAM switches nerf-hashgrid <-> nerf-hashgrid-cam)");
    }
    auto config = pipeline::load_config(name);
    const std::string old = config_name_;
    config_name_ = config.name;
    try {
      rebuild(config.value);
    } catch (...) {
      config_name_ = old;
      throw;
    }
    return true;
  }
  if (verb == "lr") return edit("optimizer.lr=" + arg), true;
  if (verb == "set") {
    edit(arg);
    if (edits_.rebuild_pending()) apply();
    return true;
  }
  if (verb == "fresh") {
    if (arg.empty() || arg == "apply") return run_fresh(true), true;
    if (arg == "run") return run_fresh(false), true;
    fail("action ", a, ": use fresh, fresh:run or fresh:apply");
  }
  if (verb == "render") return render_to_file(arg), true;
  if (verb == "record") {
    const auto c2 = arg.find(':');
    if (c2 == std::string::npos) fail("action ", a, ": expected record:FRAMES:FOLDER");
    return record_orbit(uint32_t(action_number(a, arg.substr(0, c2), 1, 3600)), arg.substr(c2 + 1)), true;
  }
  if (verb == "open") return open_input(arg), true;
  if (verb == "save") return save_snapshot(arg), true;
  if (verb == "load") return load_snapshot(arg), true;
  return false;
}

std::string RadianceMode::action_help() const {
  return "view:rgb|depth|opacity|samples|compare, camera:AZ,EL,DIST, snap:K|snap:train:K|snap:test:K, "
         "navigate:orbit|fly, fly:R,U,F, look:DX,DY, orbit:DX,DY, pan:DX,DY, zoom:W, fov:DEG, scale:S, "
         "frustums:on|off, background:B, field:NAME, cam:on|off, lr:VALUE, set:key=JSON, fresh[:run|:apply], "
         "render:FILE.png, record:FRAMES:FOLDER, open:SCENE, save:FILE, load:FILE";
}

void RadianceMode::render_to_file(const std::string& path) {
  const data::Camera cam = snapped_ ? dataset_camera(*snapped_)
                                    : camera_.camera(std::max(16, int(rect_.w)), std::max(16, int(rect_.h)));
  const auto r = experiment_->render(cam, shown_background());
  const auto v = pipeline::radiance_view_image(
      r, view_ == View::Compare ? pipeline::RadianceView::Rgb : pipeline::RadianceView(int(view_) - 1),
      experiment_->scene().box.scale);
  write_image(path, v.image);
  notice_ = cat("rendered ", path, " (", cam.k.width, "x", cam.k.height, ")");
}

void RadianceMode::record_orbit(uint32_t n, const std::string& folder) {
  const auto t0 = std::chrono::steady_clock::now();
  fs::create_directories(folder);
  const auto cameras = pipeline::orbit_cameras(experiment_->scene(), n);
  const int w = std::max(16, int(rect_.w)), h = std::max(16, int(rect_.h));
  for (uint32_t k = 0; k < n; ++k) {
    data::Camera c = cameras[k];
    c.k = camera_.camera(w, h).k;
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03u.png", k);
    write_image((fs::path(folder) / name).string(), experiment_->render(c, shown_background()).rgb);
  }
  notice_ = cat("recorded ", n, " frames (", w, "x", h, ") into ", folder, " in ",
                std::round(seconds_since(t0) * 10) / 10, " s");
}

void RadianceMode::run_fresh(bool apply_pick) {
  if (!scene_) fail("FreSh needs the scene's photos (this snapshot is for viewing only)");
  pipeline::FreshOptions o;
  o.inits = uint32_t(std::max(1, fresh_inits_));
  fresh_ =
      pipeline::fresh_select_radiance(ctx_, edits_.edited(), "viewer config " + config_name_, *scene_, o);
  notice_ =
      cat("FreSh picks ", fresh_->parameter, " = ", fresh_->selected_value(), " (", fresh_->seconds, " s)");
  if (apply_pick) apply_fresh_pick();
}

void RadianceMode::apply_fresh_pick() {
  json& field = edits_.edited()["field"];
  field = pipeline::apply_fresh_value(field, fresh_->parameter, fresh_->selected_value(),
                                      "viewer config " + config_name_);
  apply();
}

void RadianceMode::open_input(const std::string& path) {
  try {
    auto scene = std::make_shared<const data::Scene>(data::load_scene(path, options_.scene));
    std::swap(scene_, scene);
    try {
      rebuild(edits_.edited());
    } catch (...) {
      std::swap(scene_, scene);
      throw;
    }
    snapped_.reset();
    camera_ = SceneCamera::around(frame_);
    notice_ = cat("opened ", path);
  } catch (const Error& e) {
    error_ = e.what();
    throw;
  }
}

void RadianceMode::save_snapshot(const std::string& path) {
  write_snapshot(path, experiment_->snapshot(true));
  notice_ = cat("saved ", path, " (step ", steps_done(), ")");
}

void RadianceMode::load_snapshot(const std::string& path) {
  const Snapshot s = read_snapshot(path);
  if (!pipeline::is_radiance_snapshot(s))
    fail("snapshot ", path,
         ": not a radiance snapshot (image and SDF snapshots open in their modes: nf-viewer FILE.nf)");
  std::string source;
  try {
    source = pipeline::RadianceSceneInfo::from_json(s.description.at("scene")).source;
  } catch (const json::exception&) {
    fail("snapshot ", path, ": malformed description (no scene)");
  }
  // The photos it was trained on, to go on training: the open scene when it is that one, else the files,
  // loaded at the size the snapshot's cameras have; any other split or size is for viewing only (its cameras
  // are the snapshot's, and a photo must belong to its camera).
  const auto info = pipeline::RadianceSceneInfo::from_json(s.description.at("scene"));
  const auto same = [&](const data::Scene& sc) {
    const auto other = pipeline::RadianceSceneInfo::of(sc);
    if (other.train_names != info.train_names || other.test_names != info.test_names) return false;
    for (size_t i = 0; i < info.train_cameras.size(); ++i)
      if (!(other.train_cameras[i].k == info.train_cameras[i].k)) return false;
    return true;
  };
  std::shared_ptr<const data::Scene> scene;
  if (scene_ && scene_->source == source && same(*scene_)) scene = scene_;
  if (!scene && !source.empty() && fs::exists(source) && !info.train_cameras.empty()) {
    data::SceneOptions o = options_.scene;
    const data::Scene probe = data::load_scene(source, [&] {
      data::SceneOptions cameras_only = o;
      cameras_only.load_images = false;
      cameras_only.downscale = 1;
      return cameras_only;
    }());
    if (!probe.train.empty() && info.train_cameras[0].k.width > 0)
      o.downscale = std::max(1, probe.train[0].camera.k.width / info.train_cameras[0].k.width);
    auto loaded = std::make_shared<const data::Scene>(data::load_scene(source, o));
    if (same(*loaded)) scene = std::move(loaded);
  }
  auto e = pipeline::RadianceExperiment::from_snapshot(ctx_, s, path, scene.get());
  const json config = e->config();
  config_name_ = "snapshot " + path;
  const bool first = !experiment_;
  install(std::move(e), scene, config);
  if (first) camera_ = SceneCamera::around(frame_);
  notice_ = cat("loaded ", path, " at step ", steps_done(),
                scene ? std::string()
                      : cat(" (viewing only: its photos ", source,
                            " are not there, or not as it was trained on them)"));
}

json RadianceMode::report(const ViewRect& rect) const {
  const Placement p = placement(rect);
  const auto& c = camera_;
  const Vec3 e = c.eye();
  json snapped = nullptr;
  if (snapped_) snapped = *snapped_;
  return {
      {"view", int(view_)},
      {"view_name", kViewNames[int(view_) - 1]},
      {"config", config_name_},
      {"source", experiment_->scene().source},
      {"can_train", can_train()},
      {"psnr", psnr_ ? *psnr_ : 0.0},
      {"view_psnr", view_psnr_ ? *view_psnr_ : 0.0},
      {"camera",
       {{"navigate", fly_ ? "fly" : "orbit"},
        {"eye", {e.x, e.y, e.z}},
        {"pivot", {c.pivot.x, c.pivot.y, c.pivot.z}},
        {"yaw", c.yaw * 180 / M_PI},
        {"pitch", c.pitch * 180 / M_PI},
        {"distance", c.distance},
        {"fov", c.fov_deg}}},
      {"snapped", snapped},
      {"dataset_cameras", dataset_cameras()},
      {"frustums", frustums_},
      {"scale", scale_},
      {"level", shown_level_},
      {"render_ms", render_ms_},
      {"depth_range", {depth_lo_, depth_hi_}},
      {"image",
       {{"x0", p.x0}, {"y0", p.y0}, {"zoom", p.zoom}, {"width", shown_width_}, {"height", shown_height_}}}};
}

std::string RadianceMode::status() const {
  const auto& s = experiment_->scene();
  return cat(fs::path(s.source).filename().string(), " (", s.train_cameras.size(), " training, ",
             s.test_cameras.size(), " test views), ", config_name_, ", step ", steps_done(), "/",
             total_steps(), scene_ ? "" : " (viewing only)");
}

void RadianceMode::draw_panel() {
  if (ImGui::CollapsingHeader("Field", ImGuiTreeNodeFlags_DefaultOpen)) {
    const ConfigRequest r =
        draw_config_panel(config_name_, radiance_config_names(), edits_, {"l2", "huber"}, set_text_);
    if (r.config) guarded(error_, [&] { action("field:" + *r.config); });
    if (r.assignment) guarded(error_, [&] { edit(*r.assignment); });
    if (r.apply) guarded(error_, [&] { apply(); });
    if (r.discard) edits_.discard(), experiment_->set_learning_rate_scale(edits_.learning_rate_scale());
    bool cam = config_name_.size() > 4 && config_name_.compare(config_name_.size() - 4, 4, "-cam") == 0;
    if (ImGui::Checkbox("CAM (view-direction modulation)", &cam))
      guarded(error_, [&] { action(cam ? "cam:on" : "cam:off"); });
    json& edited = edits_.edited();
    if (edited.contains("occupancy") && edited["occupancy"].is_object() &&
        ImGui::TreeNode("occupancy grid")) {
      json& occ = edited["occupancy"];
      float threshold = occ.value("threshold", 0.01f), decay = occ.value("decay", 0.95f);
      int every = occ.value("update_every", 16);
      if (ImGui::InputFloat("threshold", &threshold, 0, 0, "%.4f", ImGuiInputTextFlags_EnterReturnsTrue))
        occ["threshold"] = threshold;
      if (ImGui::InputFloat("decay", &decay, 0, 0, "%.3f", ImGuiInputTextFlags_EnterReturnsTrue))
        occ["decay"] = decay;
      if (ImGui::InputInt("update every", &every, 1, 16, ImGuiInputTextFlags_EnterReturnsTrue))
        occ["update_every"] = every;
      ImGui::TextDisabled("changes re-initialise on Apply");
      ImGui::TreePop();
    }
    draw_messages(notice_, error_);
  }
  const FreshRequest f = draw_fresh_panel(edits_.edited()["field"], fresh_inits_, fresh_);
  if (f.run) guarded(error_, [&] { run_fresh(false); });
  if (f.apply) guarded(error_, [&] { apply_fresh_pick(); });
  draw_camera_panel();
  draw_view_panel();
  draw_file_panel();
}

void RadianceMode::draw_camera_panel() {
  if (!ImGui::CollapsingHeader("Camera", ImGuiTreeNodeFlags_DefaultOpen)) return;
  int nav = fly_ ? 1 : 0;
  ImGui::RadioButton("orbit", &nav, 0);
  ImGui::SameLine();
  ImGui::RadioButton("fly (WASD, Q/E)", &nav, 1);
  fly_ = nav == 1;
  float fov = float(camera_.fov_deg);
  if (ImGui::SliderFloat("field of view", &fov, 5.0f, 150.0f, "%.0f deg")) camera_.fov_deg = fov, moved();
  if (ImGui::SmallButton("reset view")) camera_ = SceneCamera::around(frame_), fly_ = false, moved();
  const int n = int(dataset_cameras()), train = int(experiment_->scene().train_cameras.size());
  if (n > 0) {
    int k = snapped_ ? int(*snapped_) : 0;
    ImGui::SameLine();
    if (ImGui::SmallButton("snap")) snap(size_t(k));
    if (ImGui::SliderInt("dataset camera", &k, 0, n - 1, k < train ? "train %d" : "test %d")) snap(size_t(k));
    if (ImGui::BeginCombo(
            "camera list",
            snapped_ ? cat(*snapped_ < size_t(train) ? "train " : "test ", *snapped_).c_str() : "-")) {
      for (int i = 0; i < n; ++i)
        if (ImGui::Selectable(cat(i < train ? "train " : "test ", i).c_str(),
                              snapped_ && int(*snapped_) == i))
          snap(size_t(i));
      ImGui::EndCombo();
    }
  }
  if (ImGui::Checkbox("camera frustums", &frustums_)) force_refresh_ = true;
  ImGui::TextDisabled(fly_ ? "left drag looks, right/middle drag pans, WASD/QE move, wheel steps"
                           : "left drag orbits, right/middle or shift+left drag pans, wheel zooms");
}

void RadianceMode::draw_view_panel() {
  if (!ImGui::CollapsingHeader("View", ImGuiTreeNodeFlags_DefaultOpen)) return;
  int v = int(view_);
  for (int i = 1; i <= 5; ++i) {
    if (i != 1 && i != 4) ImGui::SameLine();
    ImGui::RadioButton(cat(i, " ", kViewNames[i - 1]).c_str(), &v, i);
  }
  set_view(View(v));
  if (ImGui::SliderFloat("render scale", &scale_, kMinScale, kMaxScale, "%.3f", ImGuiSliderFlags_Logarithmic))
    level_ = 0, force_refresh_ = true;
  static const char* kBackgrounds[] = {"", "white", "black"};
  if (ImGui::BeginCombo("background",
                        display_background_.empty() ? "evaluation's" : display_background_.c_str())) {
    for (const char* b : kBackgrounds)
      if (ImGui::Selectable(*b ? b : "evaluation's", display_background_ == b))
        display_background_ = b, force_refresh_ = true;
    ImGui::EndCombo();
  }
  if (view_ == View::Depth)
    ImGui::Text("depth %.3f (dark) to %.3f (bright), world units", depth_lo_, depth_hi_);
  if (view_ == View::Samples) ImGui::Text("samples per ray 0 (dark) to %.0f (bright)", samples_hi_);
  if (view_ == View::Compare) {
    if (view_psnr_)
      ImGui::Text("render | photo | error (bright >= 0.1): PSNR %.2f dB", *view_psnr_);
    else
      ImGui::TextDisabled("snap to a dataset camera with its photo loaded to compare");
  }
  const double spr = render_.rays ? double(render_.marched_samples) / double(render_.rays) : 0.0;
  ImGui::Text("%dx%d in %.0f ms (level %d of %d), %.1f samples a ray", shown_width_, shown_height_,
              render_ms_, shown_level_ + 1, kLevels, spr);
}

void RadianceMode::draw_file_panel() {
  if (!ImGui::CollapsingHeader("Render to files")) return;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", render_path_.c_str());
  if (ImGui::InputText("png", buf, sizeof buf)) render_path_ = buf;
  if (ImGui::SmallButton("render this camera (full size)"))
    guarded(error_, [&] { render_to_file(render_path_); });
  std::snprintf(buf, sizeof buf, "%s", orbit_folder_.c_str());
  if (ImGui::InputText("orbit folder", buf, sizeof buf)) orbit_folder_ = buf;
  ImGui::InputInt("orbit frames", &orbit_frames_);
  orbit_frames_ = std::clamp(orbit_frames_, 1, 3600);
  if (ImGui::SmallButton("record orbit (blocks)"))
    guarded(error_, [&] { record_orbit(uint32_t(orbit_frames_), orbit_folder_); });
}

}  // namespace nf::viewer
