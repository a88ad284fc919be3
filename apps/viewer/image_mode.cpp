#include "image_mode.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>

#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "gpu/context.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "pipeline/configs.hpp"

namespace nf::viewer {
namespace {

constexpr double kRefreshSeconds = 0.25;  // how often the reconstruction is re-rendered while training
constexpr double kErrorScale = 0.1;       // error view: bright = mean absolute error >= 0.1

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

ImageMode::ImageMode(gpu::Context& ctx, const ImageModeOptions& options) : ctx_(ctx), seed_(options.seed) {
  if (ends_with(options.input, ".nf")) {
    load_snapshot(options.input);
    if (!options.overrides.empty()) {
      json c = edits_.edited();
      for (const auto& o : options.overrides) pipeline::apply_override(c, o);
      rebuild(c);
    }
    return;
  }
  auto config = pipeline::load_config(options.field);
  for (const auto& o : options.overrides) pipeline::apply_override(config.value, o);
  config_name_ = config.name;
  load_image(options.input);
  rebuild(config.value);
}

void ImageMode::load_image(const std::string& path) {
  raw_ = read_image(path);
  input_ = path;
}

void ImageMode::rebuild(const json& config) {
  Image target = pipeline::prepare_target(raw_, config);
  pipeline::ImageTargetInfo info{input_, target.width, target.height, target.channels};
  // Built before the running experiment is replaced, so that an invalid config leaves it untouched.
  auto e = std::make_unique<pipeline::ImageExperiment>(ctx_, config, config_name_, &target, info, seed_);
  const uint64_t bytes = uint64_t(target.width) * target.height * 4 * 3;
  if (!planes_ || planes_.size() != bytes)
    planes_ = gpu::Buffer(ctx_, bytes, "viewer image planes", gpu::MemoryUsage::Host);
  experiment_ = std::move(e);
  target_ = std::move(target);
  edits_.set_applied(config);
  ++rebuilds_;
  write_plane(1, target_);
  force_refresh_ = true;
  psnr_.reset();
  error_.clear();
}

void ImageMode::apply() {
  try {
    rebuild(edits_.edited());
    notice_ = cat("re-initialised: ", config_name_, " with ", parameter_count(), " parameters");
  } catch (const Error& e) {
    error_ = e.what();
    throw;
  }
}

void ImageMode::live_learning_rate() {
  experiment_->set_learning_rate_scale(edits_.learning_rate_scale());
}

void ImageMode::edit(const std::string& assignment) {
  edits_.edit(assignment);
  live_learning_rate();
}

bool ImageMode::cam_enabled() const {
  const auto& net = edits_.applied().at("field").at("network");
  return net.contains("modulation");
}

TrainReadout ImageMode::readout() {
  const auto r = experiment_->report();
  return {r.step, r.loss, r.gpu_ms};
}

void ImageMode::reset() {
  rebuild(edits_.edited());
  notice_ = "reset: fresh parameters";
}

bool ImageMode::view_stale(double now_s) const {
  if (force_refresh_) return true;
  return experiment_->steps_done() != shown_step_ && now_s - last_refresh_s_ >= kRefreshSeconds;
}

void ImageMode::write_plane(int plane, const Image& image) {
  auto* texels = static_cast<uint32_t*>(planes_.mapped());
  NF_ASSERT(texels, "the viewer's image planes are host-visible and mapped");
  pack_image(image, texels + size_t(plane) * image.pixel_count());
}

void ImageMode::refresh_view(double now_s) {
  const Image render = experiment_->render(target_.width, target_.height);
  const Image scored = scored_prediction(render, target_);
  write_plane(0, scored);
  write_plane(2, error_map(scored, target_, kErrorScale));
  psnr_ = experiment_->steps_done() > 0 ? std::optional<double>(psnr(scored, target_)) : std::nullopt;
  shown_step_ = experiment_->steps_done();
  last_refresh_s_ = now_s;
  force_refresh_ = false;
}

Placement ImageMode::placement(const ViewRect& rect) const {
  float zoom = zoom_, cx = center_x_, cy = center_y_;
  if (fit_) {
    zoom = std::min(rect.w / float(target_.width), rect.h / float(target_.height));
    cx = target_.width * 0.5f;
    cy = target_.height * 0.5f;
  }
  return {rect.x + rect.w * 0.5f - cx * zoom, rect.y + rect.h * 0.5f - cy * zoom, zoom};
}

void ImageMode::handle_input(const ViewRect& rect, const ViewportInput& in) {
  if (!in.hovered) return;
  const Placement p = placement(rect);
  if (in.wheel != 0 || in.drag_dx != 0 || in.drag_dy != 0) {
    if (fit_) {
      zoom_ = p.zoom;
      center_x_ = target_.width * 0.5f;
      center_y_ = target_.height * 0.5f;
      fit_ = false;
    }
  }
  if (in.wheel != 0) {
    // Zoom about the mouse: the image point under it stays put.
    const float ix = (in.mouse_x - p.x0) / zoom_, iy = (in.mouse_y - p.y0) / zoom_;
    const float z = std::clamp(zoom_ * std::pow(1.25f, in.wheel), 0.05f, 256.0f);
    const float mx = in.mouse_x - (rect.x + rect.w * 0.5f), my = in.mouse_y - (rect.y + rect.h * 0.5f);
    center_x_ = ix - mx / z;
    center_y_ = iy - my / z;
    zoom_ = z;
  }
  center_x_ -= in.drag_dx / zoom_;
  center_y_ -= in.drag_dy / zoom_;
}

ViewportDraw ImageMode::viewport(const ViewRect& rect) const {
  ViewportDraw d;
  d.planes = &planes_;
  const Placement p = placement(rect);
  d.push = placed_push(rect, p.x0, p.y0, p.zoom, uint32_t(target_.width), uint32_t(target_.height));
  const uint32_t plane = view_ == View::Target ? 1 : view_ == View::Error ? 2 : 0;
  d.push.left_plane = plane;
  d.push.right_plane = view_ == View::Split ? 1 : plane;
  if (view_ == View::Split) d.push.split_x = rect.x + split_ * rect.w;
  return d;
}

bool ImageMode::select_view(int number) {
  if (number < 1 || number > 4) return false;
  view_ = View(number);
  return true;
}

bool ImageMode::action(const std::string& a) {
  const auto colon = a.find(':');
  const std::string verb = a.substr(0, colon), arg = colon == std::string::npos ? "" : a.substr(colon + 1);
  if (verb == "view") {
    static const char* names[] = {"recon", "target", "error", "split"};
    for (int i = 0; i < 4; ++i)
      if (arg == names[i]) return select_view(i + 1);
    fail("action ", a, ": views are recon, target, error, split");
  }
  if (verb == "cam") {
    if (arg != "on" && arg != "off") fail("action ", a, ": use cam:on or cam:off");
    json c = edits_.edited();
    auto& net = c["field"]["network"];
    if (net.value("type", "") != "mlp")
      fail("action ", a, ": CAM modulates the hidden layers of an MLP; this field's network is '",
           net.value("type", ""), "' (choose ffn, siren or hashgrid)");
    if (arg == "on")
      net["modulation"] = cam_modulation();
    else
      net.erase("modulation");
    edits_.edited() = c;
    apply();
    return true;
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
  if (verb == "fresh") {
    if (arg.empty() || arg == "apply") return run_fresh(true), true;
    if (arg == "run") return run_fresh(false), true;
    fail("action ", a, ": use fresh, fresh:run or fresh:apply");
  }
  if (verb == "lr") {
    edit("optimizer.lr=" + arg);
    return true;
  }
  if (verb == "set") {
    edit(arg);
    if (rebuild_pending()) apply();
    return true;
  }
  if (verb == "fit") {
    fit_ = true;
    return true;
  }
  if (verb == "zoom") {
    fit_ = false;
    zoom_ = float(action_number(a, arg, 0.05, 256));
    center_x_ = target_.width * 0.5f;
    center_y_ = target_.height * 0.5f;
    return true;
  }
  if (verb == "open") return open_input(arg), true;
  if (verb == "save") return save_snapshot(arg), true;
  if (verb == "load") return load_snapshot(arg), true;
  return false;
}

std::string ImageMode::action_help() const {
  return "view:recon|target|error|split, cam:on|off, field:NAME, fresh[:run|:apply], lr:VALUE, set:key=JSON, "
         "zoom:Z, fit, open:FILE, save:FILE, load:FILE";
}

void ImageMode::open_input(const std::string& path) {
  Image previous = std::move(raw_);
  const std::string previous_input = input_;
  try {
    load_image(path);
    rebuild(edits_.edited());
    notice_ = cat("opened ", path);
  } catch (const Error& e) {
    raw_ = std::move(previous);
    input_ = previous_input;
    error_ = e.what();
    throw;
  }
}

void ImageMode::save_snapshot(const std::string& path) {
  write_snapshot(path, experiment_->snapshot(true));
  notice_ = cat("saved ", path, " (step ", steps_done(), ")");
}

void ImageMode::load_snapshot(const std::string& path) {
  const Snapshot s = read_snapshot(path);
  std::string source;
  try {
    source = s.description.at("target").at("source").get<std::string>();
  } catch (const json::exception&) {
    fail("snapshot ", path, ": malformed description (no target source)");
  }
  const json config = s.description.value("config", json::object());
  // The image it was trained on: the one open now when it has the same shape, else its source file.
  Image target = raw_.pixels.empty() ? Image() : pipeline::prepare_target(raw_, config);
  std::string input = input_;
  const auto& t = s.description["target"];
  if (target.pixels.empty() || target.width != t.value("width", 0) || target.height != t.value("height", 0) ||
      target.channels != t.value("channels", 0)) {
    if (!std::filesystem::exists(source))
      fail("snapshot ", path, ": its image ", source,
           " is not there and the open image differs; open the image first");
    raw_ = read_image(source);
    input = source;
    target = pipeline::prepare_target(raw_, config);
  }
  auto e = pipeline::ImageExperiment::from_snapshot(ctx_, s, path, &target);
  const uint64_t bytes = uint64_t(target.width) * target.height * 4 * 3;
  if (!planes_ || planes_.size() != bytes)
    planes_ = gpu::Buffer(ctx_, bytes, "viewer image planes", gpu::MemoryUsage::Host);
  experiment_ = std::move(e);
  target_ = std::move(target);
  input_ = input;
  config_name_ = "snapshot " + path;
  edits_.set_applied(experiment_->config());
  ++rebuilds_;
  write_plane(1, target_);
  force_refresh_ = true;
  psnr_.reset();
  notice_ = cat("loaded ", path, " at step ", steps_done());
}

json ImageMode::report(const ViewRect& rect) const {
  const Placement p = placement(rect);
  return {
      {"view", int(view_)},
      {"cam", cam_enabled()},
      {"config", config_name_},
      {"rebuilds", rebuilds_},
      {"input", input_},
      {"psnr", psnr_ ? *psnr_ : 0.0},
      {"image",
       {{"x0", p.x0}, {"y0", p.y0}, {"zoom", p.zoom}, {"width", target_.width}, {"height", target_.height}}}};
}

std::string ImageMode::status() const {
  return cat(std::filesystem::path(input_).filename().string(), " ", target_.width, "x", target_.height, ", ",
             config_name_, ", step ", steps_done(), "/", total_steps());
}

void ImageMode::run_fresh(bool apply_pick) {
  pipeline::FreshOptions o;
  o.inits = uint32_t(std::max(1, fresh_inits_));
  fresh_ = pipeline::fresh_select(ctx_, edits_.edited(), "viewer config " + config_name_,
                                  pipeline::prepare_target(raw_, edits_.edited()), o);
  notice_ =
      cat("FreSh picks ", fresh_->parameter, " = ", fresh_->selected_value(), " (", fresh_->seconds, " s)");
  if (apply_pick) apply_fresh_pick();
}

void ImageMode::apply_fresh_pick() {
  json& field = edits_.edited()["field"];
  field = pipeline::apply_fresh_value(field, fresh_->parameter, fresh_->selected_value(),
                                      "viewer config " + config_name_);
  apply();
}

void ImageMode::draw_fresh() {
  const FreshRequest r = draw_fresh_panel(edits_.edited()["field"], fresh_inits_, fresh_);
  if (r.run) guarded(error_, [&] { run_fresh(false); });
  if (r.apply) guarded(error_, [&] { apply_fresh_pick(); });
}

void ImageMode::draw_panel() {
  if (ImGui::CollapsingHeader("Field", ImGuiTreeNodeFlags_DefaultOpen)) {
    std::vector<std::string> names;
    for (const auto& n : pipeline::config_names())
      if (n.rfind("sdf-", 0) != 0) names.push_back(n);
    const ConfigRequest r = draw_config_panel(config_name_, names, edits_, {"l1", "l2"}, set_text_);
    if (r.config) guarded(error_, [&] { action("field:" + *r.config); });
    if (r.assignment) guarded(error_, [&] { edit(*r.assignment); });
    if (r.apply) guarded(error_, [&] { apply(); });
    if (r.discard) edits_.discard(), live_learning_rate();
    draw_messages(notice_, error_);
  }
  draw_fresh();
  if (ImGui::CollapsingHeader("View", ImGuiTreeNodeFlags_DefaultOpen)) {
    int v = int(view_);
    ImGui::RadioButton("1 recon", &v, 1);
    ImGui::SameLine();
    ImGui::RadioButton("2 target", &v, 2);
    ImGui::SameLine();
    ImGui::RadioButton("3 error", &v, 3);
    ImGui::SameLine();
    ImGui::RadioButton("4 split", &v, 4);
    view_ = View(v);
    if (view_ == View::Split) ImGui::SliderFloat("split", &split_, 0.0f, 1.0f);
    if (ImGui::Button("fit")) fit_ = true;
    ImGui::SameLine();
    if (ImGui::Button("1:1")) action("zoom:1");
    ImGui::SameLine();
    ImGui::Text("%dx%d image; wheel zooms, drag pans", target_.width, target_.height);
    if (view_ == View::Error)
      ImGui::TextDisabled("error: mean |prediction - target|, bright >= %.2f", kErrorScale);
  }
}

}  // namespace nf::viewer
