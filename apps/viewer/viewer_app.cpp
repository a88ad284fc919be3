#include "viewer_app.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"
#include "core/log.hpp"
#include "gpu/context.hpp"
#include "mode_factory.hpp"

namespace nf::viewer {
namespace {

constexpr size_t kMaxHistory = 4096;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Keeps a plot's history bounded: halves its resolution when full.
void push_history(std::vector<float>& h, float v) {
  if (h.size() >= kMaxHistory) {
    for (size_t i = 0; i < h.size() / 2; ++i) h[i] = h[2 * i + 1];
    h.resize(h.size() / 2);
  }
  h.push_back(v);
}

bool text_field(const char* label, std::string& value) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", value.c_str());
  const bool changed = ImGui::InputText(label, buf, sizeof buf);
  if (changed) value = buf;
  return changed;
}

}  // namespace

double action_number(const std::string& action, const std::string& text, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= lo && v <= hi))
    fail("action ", action, ": '", text, "' is not a number in [", lo, ", ", hi, "]");
  return v;
}

Placement fitted_placement(const ViewRect& rect, int width, int height) {
  const float w = float(std::max(1, width)), h = float(std::max(1, height));
  const float zoom = std::min(rect.w / w, rect.h / h);
  return {rect.x + (rect.w - w * zoom) * 0.5f, rect.y + (rect.h - h * zoom) * 0.5f, zoom};
}

ViewportPush placed_push(const ViewRect& rect, float x0, float y0, float zoom, uint32_t width,
                         uint32_t height) {
  ViewportPush q;
  q.origin[0] = rect.x;
  q.origin[1] = rect.y;
  q.size[0] = rect.w;
  q.size[1] = rect.h;
  q.scale = 1.0f / zoom;
  q.offset[0] = (rect.x - x0) * q.scale;
  q.offset[1] = (rect.y - y0) * q.scale;
  q.width = width;
  q.height = height;
  q.split_x = rect.x + rect.w + 1;
  return q;
}

ViewerApp::ViewerApp(gpu::Context& ctx, std::unique_ptr<Mode> mode) : ctx_(ctx), mode_(std::move(mode)) {}

void ViewerApp::guard(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    message_ = e.what();
    log(LogLevel::Warning, "nf", message_);
  }
}

void ViewerApp::train_frame(double now_s) {
  const uint32_t before = mode_->steps_done();
  if ((training_ || single_step_) && mode_->can_train()) {
    if (single_step_) {
      mode_->train_step();
    } else if (budget_.by_time) {
      const double start = seconds_now();
      do mode_->train_step();
      while (mode_->can_train() && (seconds_now() - start) * 1e3 < budget_.ms_per_frame);
    } else {
      for (int i = 0; i < budget_.steps_per_frame && mode_->can_train(); ++i) mode_->train_step();
    }
    const TrainReadout r = mode_->readout();
    push_history(loss_, float(r.loss));
    stats_.last_step_gpu_ms = r.gpu_ms;
  }
  single_step_ = false;
  if (training_ && !mode_->can_train()) {
    training_ = false;
    message_ = cat("finished: ", mode_->steps_done(), " steps (the config's budget; edit 'steps' to go on)");
  }
  const uint32_t after = mode_->steps_done();
  if (after < before) loss_.clear(), quality_.clear();
  step_times_.emplace_back(now_s, after);
  while (step_times_.size() > 2 && now_s - step_times_.front().first > 1.0) step_times_.pop_front();
  const auto& [t0, s0] = step_times_.front();
  stats_.steps_per_second = now_s > t0 && after >= s0 ? (after - s0) / (now_s - t0) : 0.0;
}

void ViewerApp::refresh_view(double now_s) {
  mode_->refresh_view(now_s);
  record_quality();
}

void ViewerApp::record_quality() {
  const auto q = mode_->quality();
  if (!q || mode_->steps_done() == quality_step_) return;
  if (mode_->steps_done() < quality_step_ && quality_step_ != UINT32_MAX) quality_.clear();
  quality_step_ = mode_->steps_done();
  push_history(quality_, float(*q));
}

void ViewerApp::note_frame(double frame_ms, std::optional<double> gpu_ms) {
  ++stats_.frames;
  stats_.frame_ms_sum += frame_ms;
  stats_.last_frame_ms = frame_ms;
  if (gpu_ms) {
    ++stats_.gpu_frames;
    stats_.gpu_frame_ms_sum += *gpu_ms;
    stats_.last_gpu_frame_ms = *gpu_ms;
  }
}

void ViewerApp::action(const std::string& a) {
  if (a == "train")
    training_ = true;
  else if (a == "pause")
    training_ = false;
  else if (a == "toggle")
    training_ = !training_;
  else if (a == "step")
    single_step_ = true, training_ = false;
  else if (a == "reset")
    mode_->reset(), loss_.clear(), quality_.clear(), quality_step_ = UINT32_MAX;
  else if (a == "ui:hide")
    ui_visible_ = false;
  else if (a == "ui:show")
    ui_visible_ = true;
  else if (a == "screenshot")
    screenshot_request_ = cat("nf-viewer-", ++screenshot_count_, ".png");
  else if (a.rfind("window:", 0) == 0) {
    int w = 0, h = 0;
    if (std::sscanf(a.c_str() + 7, "%dx%d", &w, &h) != 2 || w < 64 || h < 64)
      fail("action ", a, ": expected window:WIDTHxHEIGHT, at least 64x64");
    window_size_request_ = std::make_pair(w, h);
  } else if (a.rfind("budget:steps=", 0) == 0)
    budget_.by_time = false, budget_.steps_per_frame = int(action_number(a, a.substr(13), 1, 256));
  else if (a.rfind("budget:ms=", 0) == 0)
    budget_.by_time = true, budget_.ms_per_frame = float(action_number(a, a.substr(10), 1, 500));
  else {
    const uint32_t before = mode_->steps_done();
    if (!mode_->action(a))
      fail("unknown action '", a,
           "' (train, pause, step, reset, screenshot, ui:hide, ui:show, budget:steps=K, budget:ms=T, "
           "window:WxH, ",
           mode_->action_help(), ")");
    if (mode_->steps_done() < before) loss_.clear(), quality_.clear(), quality_step_ = UINT32_MAX;
  }
}

void ViewerApp::open_dropped(const std::string& path, const std::function<void()>& quiesce) {
  guard([&] {
    if (factory_ && mode_for(path) != mode_->name()) {
      auto next = factory_(path);  // built before anything is replaced: a failure keeps the current mode
      if (quiesce) quiesce();
      mode_ = std::move(next);
      training_ = false;
      (ends_with(path, ".nf") ? snapshot_path_ : input_path_) = path;
    } else if (ends_with(path, ".nf"))
      mode_->load_snapshot(path), snapshot_path_ = path;
    else
      mode_->open_input(path), input_path_ = path;
    loss_.clear(), quality_.clear(), quality_step_ = UINT32_MAX;
    message_ = cat("opened ", path);
  });
}

std::optional<std::string> ViewerApp::take_screenshot_request() {
  return std::exchange(screenshot_request_, std::nullopt);
}

void ViewerApp::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantCaptureKeyboard) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) training_ = !training_;
  if (ImGui::IsKeyPressed(GLFW_KEY_R, false)) guard([&] { action("reset"); });
  if (ImGui::IsKeyPressed(GLFW_KEY_S, false) && !mode_->uses_movement_keys()) screenshot_request_ = screenshot_path_;
  if (ImGui::IsKeyPressed(GLFW_KEY_TAB, false)) ui_visible_ = !ui_visible_;
  for (int k = 1; k <= 5; ++k)
    if (ImGui::IsKeyPressed(GLFW_KEY_0 + k, false)) mode_->select_view(k);
}

ViewRect ViewerApp::draw_ui(float width, float height) {
  handle_keys();
  const float panel = ui_visible_ ? std::min(kPanelWidth, width * 0.5f) : 0.0f;
  const ViewRect rect{panel, 0.0f, std::max(1.0f, width - panel), std::max(1.0f, height)};
  if (ui_visible_) draw_panel(height);

  const ImGuiIO& io = ImGui::GetIO();
  ViewportInput in;
  in.mouse_x = io.MousePos.x * io.DisplayFramebufferScale.x;
  in.mouse_y = io.MousePos.y * io.DisplayFramebufferScale.y;
  in.hovered = !io.WantCaptureMouse && in.mouse_x >= rect.x && in.mouse_y >= rect.y &&
               in.mouse_x < rect.x + rect.w && in.mouse_y < rect.y + rect.h;
  if (in.hovered) {
    in.wheel = io.MouseWheel;
    if (ImGui::IsMouseDown(1) || ImGui::IsMouseDown(2) || (ImGui::IsMouseDown(0) && io.KeyShift))
      in.drag = Drag::Secondary;
    else if (ImGui::IsMouseDown(0))
      in.drag = Drag::Primary;
    if (in.drag != Drag::None) {
      in.drag_dx = io.MouseDelta.x * io.DisplayFramebufferScale.x;
      in.drag_dy = io.MouseDelta.y * io.DisplayFramebufferScale.y;
    }
  }
  if (mode_->uses_movement_keys() && !io.WantCaptureKeyboard) {
    const auto held = [](int key) { return ImGui::IsKeyDown(key) ? 1.0f : 0.0f; };
    in.move[0] = held(GLFW_KEY_D) - held(GLFW_KEY_A);
    in.move[1] = held(GLFW_KEY_E) - held(GLFW_KEY_Q);
    in.move[2] = held(GLFW_KEY_W) - held(GLFW_KEY_S);
  }
  in.dt = io.DeltaTime;
  mode_->handle_input(rect, in);
  return rect;
}

void ViewerApp::draw_panel(float height) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(kPanelWidth, height));
  ImGui::Begin("nf-viewer", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
  ImGui::PushItemWidth(-150);  // room for the labels
  ImGui::TextWrapped("%s", mode_->status().c_str());
  ImGui::TextDisabled("%s", ctx_.info().name.c_str());

  if (ImGui::CollapsingHeader("Training", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (ImGui::Button(training_ ? "Pause (space)" : "Train (space)", ImVec2(130, 0))) training_ = !training_;
    ImGui::SameLine();
    if (ImGui::Button("Step")) action("step");
    ImGui::SameLine();
    if (ImGui::Button("Reset (R)")) guard([&] { action("reset"); });
    const float progress =
        mode_->total_steps() ? float(mode_->steps_done()) / float(mode_->total_steps()) : 0.0f;
    const std::string label = cat(mode_->steps_done(), " / ", mode_->total_steps(), " steps");
    ImGui::ProgressBar(progress, ImVec2(-1, 0), label.c_str());
    int by_time = budget_.by_time ? 1 : 0;
    ImGui::RadioButton("steps per frame", &by_time, 0);
    ImGui::SameLine();
    ImGui::RadioButton("ms per frame", &by_time, 1);
    budget_.by_time = by_time == 1;
    if (budget_.by_time)
      ImGui::SliderFloat("budget", &budget_.ms_per_frame, 1.0f, 500.0f, "%.0f ms",
                         ImGuiSliderFlags_Logarithmic);
    else
      ImGui::SliderInt("budget", &budget_.steps_per_frame, 1, 256, "%d steps", ImGuiSliderFlags_Logarithmic);
  }
  if (ImGui::CollapsingHeader("Readouts", ImGuiTreeNodeFlags_DefaultOpen)) {
    const auto q = mode_->quality();
    ImGui::Text("%s: %s", mode_->quality_name(), q ? cat(std::round(*q * 1000) / 1000).c_str() : "-");
    ImGui::Text("steps/s %.1f   GPU %.2f ms/step", stats_.steps_per_second, stats_.last_step_gpu_ms);
    ImGui::Text("frame %.1f ms (mean %.1f)   GPU %.2f ms/frame", stats_.last_frame_ms, stats_.mean_frame_ms(),
                stats_.last_gpu_frame_ms);
    ImGui::Text("parameters %llu (%.2f MiB as float32)",
                static_cast<unsigned long long>(mode_->parameter_count()),
                mode_->parameter_count() * 4.0 / 1048576.0);
    const auto& m = ctx_.memory();
    ImGui::Text("device memory %.1f MiB (peak %.1f) of %.0f MiB", m.current_bytes / 1048576.0,
                m.peak_bytes / 1048576.0, ctx_.info().device_local_bytes / 1048576.0);
    if (!loss_.empty()) {
      std::vector<float> log_loss(loss_.size());
      for (size_t i = 0; i < loss_.size(); ++i) log_loss[i] = std::log10(std::max(loss_[i], 1e-12f));
      const std::string overlay = cat("loss ", loss_.back());
      ImGui::PlotLines("log10 loss", log_loss.data(), int(log_loss.size()), 0, overlay.c_str(), FLT_MAX,
                       FLT_MAX, ImVec2(0, 60));
    }
    if (!quality_.empty()) {
      const std::string overlay = cat(std::round(quality_.back() * 1000) / 1000);
      ImGui::PlotLines(mode_->quality_name(), quality_.data(), int(quality_.size()), 0, overlay.c_str(),
                       FLT_MAX, FLT_MAX, ImVec2(0, 60));
    }
  }
  mode_->draw_panel();
  if (ImGui::CollapsingHeader("Files")) {
    text_field(mode_->input_kind(), input_path_);
    ImGui::SameLine();
    if (ImGui::SmallButton("open")) open_request_ = input_path_;
    text_field("snapshot", snapshot_path_);
    if (ImGui::SmallButton("save snapshot"))
      guard([&] {
        mode_->save_snapshot(snapshot_path_);
        message_ = cat("saved ", snapshot_path_);
      });
    ImGui::SameLine();
    if (ImGui::SmallButton("load snapshot")) open_request_ = snapshot_path_;
    text_field("screenshot", screenshot_path_);
    if (ImGui::SmallButton("save screenshot (S)")) screenshot_request_ = screenshot_path_;
    ImGui::TextDisabled("drop a file (%s) or a .nf snapshot on the window to open it", mode_->input_kind());
  }
  if (!message_.empty()) ImGui::TextWrapped("%s", message_.c_str());
  ImGui::TextDisabled("keys: space train/pause, R reset, S screenshot,\nTab hide UI, %s",
                      mode_->view_keys().c_str());
  ImGui::PopItemWidth();
  ImGui::End();
}

}  // namespace nf::viewer
