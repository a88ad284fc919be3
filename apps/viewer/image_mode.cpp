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
const json kCam = {{"type", "cam"}, {"resolution", 32}, {"lr_scale", 10.0}};

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

json without_lr(json c) {
  if (c.contains("optimizer") && c["optimizer"].is_object()) c["optimizer"].erase("lr");
  return c;
}

double lr_of(const json& c) {
  if (c.contains("optimizer") && c["optimizer"].is_object() && c["optimizer"].contains("lr"))
    return c["optimizer"]["lr"].get<double>();
  return 1e-3;  // Adam's default (nn/optimizers/adam.hpp)
}

uint32_t pack(const Image& img, size_t p) {
  float rgb[3];
  for (int c = 0; c < 3; ++c) rgb[c] = img.pixels[p * img.channels + (img.channels >= 3 ? c : 0)];
  uint32_t v = 0xff000000u;
  for (int c = 0; c < 3; ++c) v |= uint32_t(std::lround(std::clamp(rgb[c], 0.0f, 1.0f) * 255.0f)) << (8 * c);
  return v;
}

// Panel widgets editing one value of a JSON object in place; return true when changed.
bool edit_int(const char* label, json& obj, const char* key, int fallback) {
  int v = obj.is_object() && obj.contains(key) ? obj[key].get<int>() : fallback;
  if (!ImGui::InputInt(label, &v, 1, 16, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  obj[key] = v;
  return true;
}
bool edit_float(const char* label, json& obj, const char* key, double fallback, const char* format = "%.4g") {
  double v = obj.is_object() && obj.contains(key) ? obj[key].get<double>() : fallback;
  if (!ImGui::InputDouble(label, &v, 0, 0, format, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  obj[key] = v;
  return true;
}
bool edit_json(const char* label, json& obj, const char* key) {
  std::string text = obj.is_object() && obj.contains(key) ? obj[key].dump() : "";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", text.c_str());
  if (!ImGui::InputText(label, buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  try {
    obj[key] = json::parse(buf);
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

}  // namespace

ImageMode::ImageMode(gpu::Context& ctx, const ImageModeOptions& options) : ctx_(ctx), seed_(options.seed) {
  if (ends_with(options.input, ".nf")) {
    load_snapshot(options.input);
    if (!options.overrides.empty()) {
      json c = edited_;
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
  edited_ = config;
  applied_ = config;
  ++rebuilds_;
  write_plane(1, target_);
  force_refresh_ = true;
  psnr_.reset();
  error_.clear();
}

bool ImageMode::rebuild_pending() const {
  return without_lr(edited_) != without_lr(applied_);
}

void ImageMode::apply() {
  try {
    rebuild(edited_);
    notice_ = cat("re-initialised: ", config_name_, " with ", parameter_count(), " parameters");
  } catch (const Error& e) {
    error_ = e.what();
    throw;
  }
}

double ImageMode::learning_rate() const {
  return lr_of(edited_);
}

void ImageMode::live_learning_rate() {
  experiment_->set_learning_rate_scale(lr_of(edited_) / lr_of(applied_));
}

void ImageMode::edit(const std::string& assignment) {
  pipeline::apply_override(edited_, assignment);
  live_learning_rate();
}

bool ImageMode::cam_enabled() const {
  const auto& net = applied_.at("field").at("network");
  return net.contains("modulation");
}

TrainReadout ImageMode::readout() {
  const auto r = experiment_->report();
  return {r.step, r.loss, r.gpu_ms};
}

void ImageMode::reset() {
  rebuild(edited_);
  notice_ = "reset: fresh parameters";
}

bool ImageMode::view_stale(double now_s) const {
  if (force_refresh_) return true;
  return experiment_->steps_done() != shown_step_ && now_s - last_refresh_s_ >= kRefreshSeconds;
}

void ImageMode::write_plane(int plane, const Image& image) {
  auto* texels = static_cast<uint32_t*>(planes_.mapped());
  NF_ASSERT(texels, "the viewer's image planes are host-visible and mapped");
  texels += size_t(plane) * image.pixel_count();
  for (size_t p = 0; p < image.pixel_count(); ++p) texels[p] = pack(image, p);
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

ImageMode::Placement ImageMode::placement(const ViewRect& rect) const {
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
  auto& q = d.push;
  q.origin[0] = rect.x;
  q.origin[1] = rect.y;
  q.size[0] = rect.w;
  q.size[1] = rect.h;
  q.scale = 1.0f / p.zoom;
  q.offset[0] = (rect.x - p.x0) * q.scale;
  q.offset[1] = (rect.y - p.y0) * q.scale;
  q.width = uint32_t(target_.width);
  q.height = uint32_t(target_.height);
  const uint32_t plane = view_ == View::Target ? 1 : view_ == View::Error ? 2 : 0;
  q.left_plane = plane;
  q.right_plane = view_ == View::Split ? 1 : plane;
  q.split_x = view_ == View::Split ? rect.x + split_ * rect.w : rect.x + rect.w + 1;
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
    json c = edited_;
    auto& net = c["field"]["network"];
    if (net.value("type", "") != "mlp")
      fail("action ", a, ": CAM modulates the hidden layers of an MLP; this field's network is '",
           net.value("type", ""), "' (choose ffn, siren or hashgrid)");
    if (arg == "on")
      net["modulation"] = kCam;
    else
      net.erase("modulation");
    edited_ = c;
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

void ImageMode::open_input(const std::string& path) {
  Image previous = std::move(raw_);
  const std::string previous_input = input_;
  try {
    load_image(path);
    rebuild(edited_);
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
  edited_ = applied_ = experiment_->config();
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
  fresh_ = pipeline::fresh_select(ctx_, edited_, "viewer config " + config_name_,
                                  pipeline::prepare_target(raw_, edited_), o);
  notice_ = cat("FreSh picks ", fresh_->parameter, " = ", fresh_->selected_value(), " (", fresh_->seconds, " s)");
  if (!apply_pick) return;
  edited_["field"] = pipeline::apply_fresh_value(edited_["field"], fresh_->parameter, fresh_->selected_value(),
                                                 "viewer config " + config_name_);
  apply();
}

void ImageMode::draw_fresh() {
  const auto params = pipeline::fresh_parameters(edited_["field"]);
  if (params.empty() || !ImGui::CollapsingHeader("FreSh")) return;
  ImGui::TextWrapped("Picks %s from the spectra of untrained initialisations (blocks while it runs).",
                     params.front().c_str());
  ImGui::InputInt("inits per candidate", &fresh_inits_);
  fresh_inits_ = std::clamp(fresh_inits_, 1, 20);
  auto guard = [this](const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      error_ = e.what();
    }
  };
  if (ImGui::Button("Run FreSh")) guard([&] { run_fresh(false); });
  if (!fresh_) return;
  std::vector<float> w1;
  for (const auto& c : fresh_->candidates) w1.push_back(std::isfinite(c.mean_w1) ? float(c.mean_w1) : 0.0f);
  const std::string label = cat("W1 vs ", fresh_->parameter, " (", fresh_->candidates.front().value, " .. ",
                                fresh_->candidates.back().value, ")");
  ImGui::PlotLines("##fresh_w1", w1.data(), int(w1.size()), 0, label.c_str(), FLT_MAX, FLT_MAX, ImVec2(0, 80));
  ImGui::Text("pick: %s = %g", fresh_->parameter.c_str(), fresh_->selected_value());
  ImGui::SameLine();
  if (ImGui::Button("Apply pick (re-initialise)"))
    guard([&] {
      edited_["field"] = pipeline::apply_fresh_value(edited_["field"], fresh_->parameter, fresh_->selected_value(),
                                                     "viewer config " + config_name_);
      apply();
    });
}

void ImageMode::draw_panel() {
  auto guard = [this](const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      error_ = e.what();
    }
  };
  if (ImGui::CollapsingHeader("Field", ImGuiTreeNodeFlags_DefaultOpen)) {
    const auto names = pipeline::config_names();
    if (ImGui::BeginCombo("config", config_name_.c_str())) {
      for (const auto& n : names)
        if (ImGui::Selectable(n.c_str(), n == config_name_)) guard([&] { action("field:" + n); });
      ImGui::EndCombo();
    }
    double lr = learning_rate();
    if (ImGui::InputDouble("learning rate", &lr, 0, 0, "%.3g", ImGuiInputTextFlags_EnterReturnsTrue) &&
        lr > 0)
      guard([&] { edit(cat("optimizer.lr=", lr)); });
    ImGui::SameLine();
    ImGui::TextDisabled("(live)");

    json& field = edited_["field"];
    json& enc = field["encoding"];
    json& net = field["network"];
    const std::string enc_type = enc.value("type", ""), net_type = net.value("type", "");
    ImGui::Text("encoding %s, network %s", enc_type.c_str(), net_type.c_str());
    if (net_type == "rbf") {
      edit_int("neurons", net, "neurons", 64);
    } else if (net_type == "mlp") {
      edit_int("MLP width", net, "width", 64);
      edit_int("MLP hidden layers", net, "hidden_layers", 2);
      if (net.value("activation", "") == "sine") {
        edit_float("SIREN omega_0 (first)", net, "first_omega", 30.0);
        edit_float("SIREN omega (hidden)", net, "hidden_omega", 30.0);
      }
      bool cam = net.contains("modulation");
      if (ImGui::Checkbox("CAM modulation", &cam)) {
        if (cam)
          net["modulation"] = kCam;
        else
          net.erase("modulation");
      }
      if (net.contains("modulation")) edit_int("CAM grid size", net["modulation"], "resolution", 32);
    }
    if (enc_type == "dif_grid") {
      edit_json("grid resolutions", enc, "resolutions");
      edit_json("grid channels", enc, "channels");
    } else if (enc_type == "fourier") {
      edit_float("Fourier sigma", enc, "sigma", 1.0);
      edit_int("Fourier frequencies", enc, "frequencies", 256);
    } else if (enc_type == "hashgrid") {
      edit_int("hash levels", enc, "levels", 16);
      edit_int("hash log2 table size", enc, "log2_table_size", 19);
      edit_int("hash base resolution", enc, "base_resolution", 16);
    }
    if (edited_.value("sampling", "random") == "random")
      edit_int("batch size", edited_, "batch_size", 1 << 18);
    const std::string loss = edited_["loss"].value("type", "l2");
    if (ImGui::BeginCombo("loss", loss.c_str())) {
      for (const char* l : {"l1", "l2"})
        if (ImGui::Selectable(l, loss == l)) edited_["loss"]["type"] = l;
      ImGui::EndCombo();
    }
    edit_int("steps", edited_, "steps", 1000);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s", set_text_.c_str());
    if (ImGui::InputText("key=JSON", buf, sizeof buf)) set_text_ = buf;
    ImGui::SameLine();
    if (ImGui::SmallButton("set")) guard([&] { edit(set_text_); });

    if (rebuild_pending()) {
      ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.2f, 1.0f), "Edits pending: applying re-initialises the model");
      if (ImGui::Button("Apply (re-initialise)")) guard([&] { apply(); });
      ImGui::SameLine();
      if (ImGui::Button("Discard")) edited_ = applied_, live_learning_rate();
    }
    if (!notice_.empty()) ImGui::TextDisabled("%s", notice_.c_str());
    if (!error_.empty()) ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.3f, 1.0f), "%s", error_.c_str());
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
