#include "sdf_mode.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "data/mesh.hpp"
#include "io/snapshot.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/sdf_export.hpp"
#include "sdf_view.hpp"

namespace nf::viewer {
namespace {

constexpr double kMinRefreshSeconds = 1.0;  // while training: re-render at most this often ...
constexpr double kRenderShare = 4.0;        // ... and at most every kRenderShare x the last render's time
constexpr uint32_t kPreviewIterations = 24;
constexpr double kFdNormalStep = 2e-3;  // normalised units (the mesh box spans 2)
constexpr double kSliceRange = 0.5;  // the slice's colours saturate at |sdf| = 0.5 (normalised units)
constexpr uint64_t kIouSeed = 4242;
const char* const kViewNames[] = {"shaded", "normals", "depth", "steps", "slice"};

// The orbit camera the views start from (and "reset camera" returns to): nf render's angles, a little
// farther so that the whole box [-1, 1]^3 is in view.
render::OrbitCamera initial_camera() {
  render::OrbitCamera c;
  c.distance = 3.5;
  return c;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> sdf_config_names() {
  std::vector<std::string> names;
  for (const auto& n : pipeline::config_names())
    if (n.rfind("sdf-", 0) == 0) names.push_back(n);
  return names;
}

}  // namespace

bool is_mesh_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".obj" || ext == ".ply";
}

SdfMode::SdfMode(gpu::Context& ctx, const SdfModeOptions& options)
    : ctx_(ctx), seed_(options.seed), iou_points_(options.iou_points), camera_(initial_camera()) {
  if (!is_mesh_path(options.input)) {
    load_snapshot(options.input);
    if (options.overrides.empty()) return;
    json c = edits_.edited();
    for (const auto& o : options.overrides) pipeline::apply_override(c, o);
    rebuild(c);
    return;
  }
  auto config = pipeline::load_config(options.field);
  for (const auto& o : options.overrides) pipeline::apply_override(config.value, o);
  config_name_ = config.name;
  Target t = load_target(options.input);
  auto e = std::make_unique<pipeline::SdfExperiment>(ctx_, config.value, config_name_, t.truth.get(),
                                                     pipeline::SdfTargetInfo{t.input, t.transform}, seed_);
  install(std::move(e), std::move(t), config.value);
}

SdfMode::Target SdfMode::load_target(const std::string& path) const {
  auto loaded = data::load_mesh(path);
  Target t;
  t.input = path;
  t.transform = loaded.transform;
  t.truth = std::make_shared<const data::MeshSdf>(std::move(loaded.mesh));
  t.probe = std::make_shared<const pipeline::SdfIouProbe>(*t.truth, iou_points_, kIouSeed);
  return t;
}

void SdfMode::install(std::unique_ptr<pipeline::SdfExperiment> e, Target target, const json& config) {
  experiment_ = std::move(e);  // the old experiment goes first: it may refer to the old target's truth
  target_ = std::move(target);
  edits_.set_applied(config);
  ++rebuilds_;
  iou_.reset();
  iou_step_ = UINT32_MAX;
  error_.clear();
  mark_stale();
}

void SdfMode::rebuild(const json& config) {
  auto e = std::make_unique<pipeline::SdfExperiment>(
      ctx_, config, config_name_, target_.truth.get(),
      pipeline::SdfTargetInfo{target_.input, target_.transform}, seed_);
  install(std::move(e), target_, config);
}

void SdfMode::apply() {
  try {
    rebuild(edits_.edited());
    notice_ = cat("re-initialised: ", config_name_, " with ", parameter_count(), " parameters");
  } catch (const Error& e) {
    error_ = e.what();
    throw;
  }
}

void SdfMode::edit(const std::string& assignment) {
  edits_.edit(assignment);
  experiment_->set_learning_rate_scale(edits_.learning_rate_scale());
}

TrainReadout SdfMode::readout() {
  const auto r = experiment_->report();
  return {r.step, r.loss, r.gpu_ms};
}

void SdfMode::reset() {
  rebuild(edits_.edited());
  notice_ = "reset: fresh parameters";
}

SdfMode::Extent SdfMode::next_extent() const {
  if (view_ == View::Slice) {  // cheap (one evaluation a texel): twice the traced views' resolution
    const int n = std::clamp(int(std::lround(std::min(rect_.w, rect_.h) * scale_ * 2)), 64, 1024);
    return {n, n};
  }
  const float s = dragging_ ? std::max(kMinScale, scale_ * 0.5f) : scale_;
  return {std::max(16, int(std::lround(rect_.w * s))), std::max(16, int(std::lround(rect_.h * s)))};
}

bool SdfMode::view_stale(double now_s) const {
  if (force_refresh_ || (shown_preview_ && !dragging_)) return true;
  const Extent e = next_extent();
  if (!dragging_ && (e.width != shown_width_ || e.height != shown_height_)) return true;
  const double interval = std::max(kMinRefreshSeconds, kRenderShare * render_ms_ * 1e-3);
  return experiment_->steps_done() != shown_step_ && now_s - last_refresh_s_ >= interval;
}

void SdfMode::refresh_view(double now_s) {
  const auto t0 = std::chrono::steady_clock::now();
  const Extent e = next_extent();
  const uint64_t bytes = uint64_t(e.width) * e.height * 4;
  if (!texels_ || texels_.size() != bytes)
    texels_ = gpu::Buffer(ctx_, bytes, "viewer sdf view", gpu::MemoryUsage::Host);
  auto* texels = static_cast<uint32_t*>(texels_.mapped());
  NF_ASSERT(texels, "the viewer's SDF view is host-visible and mapped");
  if (view_ == View::Slice) {
    const auto sdf = experiment_->evaluate(slice_points(uint32_t(e.width), slice_));
    colour_slice(sdf, uint32_t(e.width), kSliceRange, texels);
  } else {
    render::OrbitCamera cam = camera_;
    cam.width = e.width;
    cam.height = e.height;
    render::TraceOptions o;
    o.view = render::TraceView(int(view_) - 1);
    o.iterations =
        dragging_ ? std::min<uint32_t>(uint32_t(iterations_), kPreviewIterations) : uint32_t(iterations_);
    o.normal_h = fd_normals_ ? kFdNormalStep : 0.0;
    pack_image(experiment_->render(cam, o), texels);
  }
  shown_width_ = e.width;
  shown_height_ = e.height;
  shown_preview_ = dragging_;
  render_ms_ = seconds_since(t0) * 1e3;
  if (target_.probe && experiment_->steps_done() > 0 && experiment_->steps_done() != iou_step_) {
    iou_ = (*target_.probe)(*experiment_);
    iou_step_ = experiment_->steps_done();
  }
  shown_step_ = experiment_->steps_done();
  last_refresh_s_ = now_s;
  force_refresh_ = false;
}

Placement SdfMode::placement(const ViewRect& rect) const { return fitted_placement(rect, shown_width_, shown_height_); }

void SdfMode::handle_input(const ViewRect& rect, const ViewportInput& in) {
  rect_ = rect;
  dragging_ = in.hovered && in.drag != Drag::None && view_ != View::Slice;
  if (!in.hovered) return;
  if (view_ == View::Slice) {
    if (in.wheel != 0) slice_ = std::clamp(slice_ + 0.02 * in.wheel, -1.0, 1.0), mark_stale();
    return;
  }
  const bool moved = in.drag_dx != 0 || in.drag_dy != 0;
  if (moved && in.drag == Drag::Primary) orbit(camera_, in.drag_dx, in.drag_dy);
  if (moved && in.drag == Drag::Secondary) pan(camera_, in.drag_dx, in.drag_dy, rect.h);
  if (in.wheel != 0) zoom(camera_, in.wheel);
  if ((moved && in.drag != Drag::None) || in.wheel != 0) mark_stale();
}

ViewportDraw SdfMode::viewport(const ViewRect& rect) const {
  ViewportDraw d;
  d.planes = &texels_;
  const Placement p = placement(rect);
  d.push = placed_push(rect, p.x0, p.y0, p.zoom, uint32_t(shown_width_), uint32_t(shown_height_));
  return d;
}

void SdfMode::set_view(View v) {
  if (v != view_) view_ = v, mark_stale();
}

bool SdfMode::select_view(int number) {
  if (number < 1 || number > 5) return false;
  set_view(View(number));
  return true;
}

bool SdfMode::action(const std::string& a) {
  const auto colon = a.find(':');
  const std::string verb = a.substr(0, colon), arg = colon == std::string::npos ? "" : a.substr(colon + 1);
  if (verb == "view") {
    for (int i = 0; i < 5; ++i)
      if (arg == kViewNames[i]) return select_view(i + 1);
    fail("action ", a, ": views are shaded, normals, depth, steps, slice");
  }
  if (verb == "slice") {
    slice_ = action_number(a, arg, -1, 1);
    set_view(View::Slice);
    mark_stale();
    return true;
  }
  if (verb == "camera") {
    double az = 0, el = 0, dist = 0;
    char tail = 0;
    if (std::sscanf(arg.c_str(), "%lf,%lf,%lf%c", &az, &el, &dist, &tail) != 3 || !(el >= -85 && el <= 85) ||
        !(dist >= 0.3 && dist <= 12))
      fail("action ", a,
           ": expected camera:AZIMUTH,ELEVATION,DISTANCE (degrees, |elevation| <= 85, distance in "
           "[0.3, 12])");
    camera_.azimuth_deg = az;
    camera_.elevation_deg = el;
    camera_.distance = dist;
    camera_.target = Vec3{0, 0, 0};
    mark_stale();
    return true;
  }
  if (verb == "scale") return scale_ = float(action_number(a, arg, kMinScale, kMaxScale)), mark_stale(), true;
  if (verb == "iterations") return iterations_ = int(action_number(a, arg, 8, 512)), mark_stale(), true;
  if (verb == "normals") {
    if (arg != "analytic" && arg != "fd") fail("action ", a, ": normals:analytic or normals:fd");
    fd_normals_ = arg == "fd";
    return mark_stale(), true;
  }
  if (verb == "field") {
    auto config = pipeline::load_config(arg);
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
  if (verb == "export-res") return export_resolution_ = int(action_number(a, arg, 8, 1024)), true;
  if (verb == "export") return export_mesh(arg, uint32_t(export_resolution_)), true;
  if (verb == "open") return open_input(arg), true;
  if (verb == "save") return save_snapshot(arg), true;
  if (verb == "load") return load_snapshot(arg), true;
  return false;
}

std::string SdfMode::action_help() const {
  return "view:shaded|normals|depth|steps|slice, slice:C, camera:AZ,EL,DIST, scale:S, iterations:K, normals:analytic|fd, "
         "field:NAME, "
         "lr:VALUE, set:key=JSON, export-res:R, export:FILE, open:FILE, save:FILE, load:FILE";
}

void SdfMode::export_mesh(const std::string& path, uint32_t resolution) {
  const auto t0 = std::chrono::steady_clock::now();
  auto mesh = pipeline::extract_sdf_mesh(*experiment_, resolution);
  if (mesh.triangles.empty())
    fail("mesh ", path, ": the field has no zero crossing on the ", resolution,
         "^3 grid (nothing to export)");
  const size_t triangles = mesh.triangles.size();
  render::write_iso_mesh(path,
                         pipeline::to_mesh_units(std::move(mesh), experiment_->target_info().transform));
  notice_ = cat("exported ", path, ": ", triangles, " triangles at ", resolution, "^3 in ",
                std::round(seconds_since(t0) * 10) / 10, " s");
}

void SdfMode::open_input(const std::string& path) {
  try {
    Target t = load_target(path);
    auto e = std::make_unique<pipeline::SdfExperiment>(ctx_, edits_.edited(), config_name_, t.truth.get(),
                                                       pipeline::SdfTargetInfo{t.input, t.transform}, seed_);
    install(std::move(e), std::move(t), edits_.edited());
    notice_ = cat("opened ", path);
  } catch (const Error& e) {
    error_ = e.what();
    throw;
  }
}

void SdfMode::save_snapshot(const std::string& path) {
  write_snapshot(path, experiment_->snapshot(true));
  notice_ = cat("saved ", path, " (step ", steps_done(), ")");
}

void SdfMode::load_snapshot(const std::string& path) {
  const Snapshot s = read_snapshot(path);
  if (!pipeline::is_sdf_snapshot(s))
    fail("snapshot ", path,
         ": not an SDF snapshot (image snapshots open in the image mode: nf-viewer FILE.nf)");
  std::string source;
  try {
    source = s.description.at("mesh").at("source").get<std::string>();
  } catch (const json::exception&) {
    fail("snapshot ", path, ": malformed description (no mesh source)");
  }
  // The mesh it was trained on, to go on training: the open one when it is that file, else the file.
  Target t;
  if (target_.truth && target_.input == source)
    t = target_;
  else if (std::filesystem::exists(source))
    t = load_target(source);
  else
    t.input = source;
  auto e = pipeline::SdfExperiment::from_snapshot(ctx_, s, path, t.truth.get());
  t.transform = e->target_info().transform;
  const json config = e->config();
  const bool viewing_only = !t.truth;
  config_name_ = "snapshot " + path;
  install(std::move(e), std::move(t), config);
  notice_ = cat("loaded ", path, " at step ", steps_done(),
                viewing_only ? cat(" (viewing only: its mesh ", source, " is not there)") : std::string());
}

json SdfMode::report(const ViewRect& rect) const {
  const Placement p = placement(rect);
  const auto& c = camera_;
  return {
      {"view", int(view_)},
      {"view_name", kViewNames[int(view_) - 1]},
      {"config", config_name_},
      {"rebuilds", rebuilds_},
      {"input", target_.input},
      {"can_train", can_train()},
      {"iou", iou_ ? *iou_ : 0.0},
      {"camera",
       {{"azimuth", c.azimuth_deg},
        {"elevation", c.elevation_deg},
        {"distance", c.distance},
        {"fov", c.fov_deg},
        {"target", {c.target.x, c.target.y, c.target.z}}}},
      {"slice", slice_},
      {"scale", scale_},
      {"iterations", iterations_},
      {"normals", fd_normals_ ? "fd" : "analytic"},
      {"render_ms", render_ms_},
      {"image",
       {{"x0", p.x0}, {"y0", p.y0}, {"zoom", p.zoom}, {"width", shown_width_}, {"height", shown_height_}}}};
}

std::string SdfMode::status() const {
  return cat(std::filesystem::path(target_.input).filename().string(), ", ", config_name_, ", step ",
             steps_done(), "/", total_steps(), target_.truth ? "" : " (viewing only)");
}

void SdfMode::draw_panel() {
  if (ImGui::CollapsingHeader("Field", ImGuiTreeNodeFlags_DefaultOpen)) {
    const ConfigRequest r =
        draw_config_panel(config_name_, sdf_config_names(), edits_, {"mape", "l1", "l2"}, set_text_);
    if (r.config) guarded(error_, [&] { action("field:" + *r.config); });
    if (r.assignment) guarded(error_, [&] { edit(*r.assignment); });
    if (r.apply) guarded(error_, [&] { apply(); });
    if (r.discard) edits_.discard(), experiment_->set_learning_rate_scale(edits_.learning_rate_scale());
    draw_messages(notice_, error_);
  }
  draw_view_panel();
  draw_export_panel();
}

void SdfMode::draw_view_panel() {
  if (!ImGui::CollapsingHeader("View", ImGuiTreeNodeFlags_DefaultOpen)) return;
  int v = int(view_);
  for (int i = 1; i <= 5; ++i) {
    if (i != 1 && i != 4) ImGui::SameLine();
    ImGui::RadioButton(cat(i, " ", kViewNames[i - 1]).c_str(), &v, i);
  }
  set_view(View(v));
  if (ImGui::SliderFloat("render scale", &scale_, kMinScale, kMaxScale, "%.3f", ImGuiSliderFlags_Logarithmic))
    mark_stale();
  if (view_ == View::Slice) {
    float c = float(slice_);
    if (ImGui::SliderFloat("slice z", &c, -1.0f, 1.0f, "%.3f")) slice_ = c, mark_stale();
    ImGui::TextDisabled("blue inside, red outside (saturating at |d| = %.1f), zero contour black",
                        kSliceRange);
  } else {
    if (ImGui::SliderInt("trace iterations", &iterations_, 8, 256)) mark_stale();
    if (ImGui::Checkbox("difference normals", &fd_normals_)) mark_stale();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("central differences (h = %.0e) instead of the analytic gradient: smooths hash-grid "
                        "fields trained without the eikonal term",
                        kFdNormalStep);
    ImGui::Text("camera az %.0f el %.0f dist %.2f", camera_.azimuth_deg, camera_.elevation_deg,
                camera_.distance);
    ImGui::SameLine();
    if (ImGui::SmallButton("reset camera")) camera_ = initial_camera(), mark_stale();
    ImGui::TextDisabled("left drag orbits, right/middle or shift+left drag pans, wheel zooms");
  }
  ImGui::Text("%dx%d %s in %.0f ms%s", shown_width_, shown_height_, view_ == View::Slice ? "slice" : "trace",
              render_ms_, shown_preview_ ? " (preview)" : "");
}

void SdfMode::draw_export_panel() {
  if (!ImGui::CollapsingHeader("Mesh export")) return;
  static const int kResolutions[] = {64, 128, 256, 512};
  if (ImGui::BeginCombo("resolution", cat(export_resolution_, "^3").c_str())) {
    for (int r : kResolutions)
      if (ImGui::Selectable(cat(r, "^3").c_str(), r == export_resolution_)) export_resolution_ = r;
    ImGui::EndCombo();
  }
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", export_path_.c_str());
  if (ImGui::InputText("mesh file", buf, sizeof buf)) export_path_ = buf;
  if (ImGui::SmallButton("export (.obj / .ply, blocks)"))
    guarded(error_, [&] { export_mesh(export_path_, uint32_t(export_resolution_)); });
}

}  // namespace nf::viewer
