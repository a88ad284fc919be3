#pragma once
// The viewer's logic, independent of the window: training interleaved with frames under a budget, the
// common panel (training controls, readouts, plots, files), keyboard shortcuts and scripted actions, around
// one task Mode. main.cpp connects it to a Window and a Presenter; tests drive it with an ImGui context and
// no window at all.
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mode.hpp"

namespace nf::gpu {
class Context;
}

namespace nf::viewer {

struct Budget {
  bool by_time = false;     // false: steps_per_frame steps each frame; true: steps until ms_per_frame passed
  int steps_per_frame = 1;  // 1..256
  float ms_per_frame = 20;  // 1..500
};

// Running means and rates for the readouts.
struct FrameStats {
  uint64_t frames = 0;
  double frame_ms_sum = 0;      // host time per frame (training included)
  double gpu_frame_ms_sum = 0;  // GPU time of drawing (timestamps)
  uint64_t gpu_frames = 0;
  double last_frame_ms = 0, last_gpu_frame_ms = 0;
  double steps_per_second = 0, last_step_gpu_ms = 0;
  double mean_frame_ms() const { return frames ? frame_ms_sum / frames : 0; }
  double mean_gpu_frame_ms() const { return gpu_frames ? gpu_frame_ms_sum / gpu_frames : 0; }
};

class ViewerApp {
 public:
  static constexpr float kPanelWidth = 400;

  ViewerApp(gpu::Context& ctx, std::unique_ptr<Mode> mode);

  Mode& mode() { return *mode_; }
  bool training() const { return training_; }
  void set_training(bool on) { training_ = on; }
  Budget& budget() { return budget_; }
  bool ui_visible() const { return ui_visible_; }
  const FrameStats& stats() const { return stats_; }
  // Loss and quality over steps, as plotted.
  const std::vector<float>& loss_history() const { return loss_; }
  const std::vector<float>& quality_history() const { return quality_; }

  // This frame's training: steps under the budget while training (or one pending single step), then one
  // readout. now_s: a monotonic clock in seconds.
  void train_frame(double now_s);
  // Refreshes the mode's view if it is stale; call only when no frame reading it is in flight.
  bool view_needs_refresh(double now_s) const { return mode_->view_stale(now_s); }
  void refresh_view(double now_s);
  // Records one frame's times (gpu_ms: nullopt when not measured).
  void note_frame(double frame_ms, std::optional<double> gpu_ms);

  // Builds the UI for this frame (between ImGui::NewFrame and ImGui::Render) for a framebuffer of
  // width x height pixels, handles viewport mouse input and keys, and returns the viewport rectangle.
  ViewRect draw_ui(float width, float height);

  // Performs an action: app-level ("train", "pause", "step", "reset", "ui:hide", "ui:show", "screenshot",
  // "budget:steps=K", "budget:ms=T") or the mode's. Throws nf::Error for unknown or failing actions.
  void action(const std::string& action);
  // Makes the mode for a dropped file that the current mode does not open (mode_factory.hpp).
  using ModeFactory = std::function<std::unique_ptr<Mode>(const std::string& path)>;
  void set_mode_factory(ModeFactory factory) { factory_ = std::move(factory); }
  // Paths handed in by the window (drag and drop) or the panel's open button: .nf snapshots load, other files
  // open as the mode's input; a file another mode opens (mode_for) replaces the mode, after quiesce() (which must
  // wait for the frames that read the current mode's view). Errors go to the panel; the current model stays.
  void open_dropped(const std::string& path, const std::function<void()>& quiesce = {});

  // A file the panel's open / load buttons asked for (open it with open_dropped, between frames): once.
  std::optional<std::string> take_open_request() { return std::exchange(open_request_, std::nullopt); }

  // A new window size was asked for ("window:WxH"; scripted resizes): the size, once.
  std::optional<std::pair<int, int>> take_window_size_request() {
    return std::exchange(window_size_request_, std::nullopt);
  }

  // A screenshot was asked for (S key, button, "screenshot" action): the path to write, once.
  std::optional<std::string> take_screenshot_request();
  void note_screenshot(const std::string& message) { message_ = message; }

 private:
  void draw_panel(float height);
  void handle_keys();
  void record_quality();
  void guard(const std::function<void()>& fn);

  gpu::Context& ctx_;
  std::unique_ptr<Mode> mode_;
  ModeFactory factory_;
  bool training_ = false, single_step_ = false, ui_visible_ = true;
  Budget budget_;
  FrameStats stats_;
  std::vector<float> loss_, quality_;
  uint32_t quality_step_ = UINT32_MAX;
  std::deque<std::pair<double, uint32_t>> step_times_;  // (time, steps done) over the last second
  std::optional<std::string> screenshot_request_, open_request_;
  std::optional<std::pair<int, int>> window_size_request_;
  int screenshot_count_ = 0;
  std::string input_path_, snapshot_path_ = "snapshot.nf", screenshot_path_ = "nf-viewer.png";
  std::string message_;
};

}  // namespace nf::viewer
