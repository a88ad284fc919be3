#pragma once
// A task mode of the viewer: what is trained and shown (ImageMode, SdfMode; radiance-field modes plug in
// the same way). The viewer (ViewerApp) owns the training loop, the frame budget, the common panel, plots
// and keys; a mode owns its experiment, its hyperparameter and view widgets, its viewport contents and its
// files. Modes never touch the window: the viewport is drawn from the buffer a mode returns in viewport().
#include <cstdint>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "viewport_pipeline.hpp"

namespace nf::viewer {

// What one training readout reports (after waiting for the submitted steps).
struct TrainReadout {
  uint32_t step = 0;  // steps done so far
  double loss = 0;    // loss of the last step's batch
  double gpu_ms = 0;  // GPU time of the last step, 0 when unavailable
};

// A rectangle of the framebuffer, in pixels (origin top-left).
struct ViewRect {
  float x = 0, y = 0, w = 0, h = 0;
};

// Which drag is under way: the primary one (left button) or the secondary one (right or middle button, or
// shift + left button, for modes with two drag gestures such as orbit and pan).
enum class Drag { None, Primary, Secondary };

// Mouse input over the viewport this frame (framebuffer pixels).
struct ViewportInput {
  float mouse_x = 0, mouse_y = 0;
  Drag drag = Drag::None;          // a button is held (even without motion this frame)
  float drag_dx = 0, drag_dy = 0;  // the drag's motion since the last frame
  float wheel = 0;                 // scroll steps (positive: zoom in)
  bool hovered = false;
  // Movement keys held (for modes that fly, see Mode::uses_movement_keys): right (D - A), up (E - Q), forward
  // (W - S), each -1, 0 or 1; and the seconds since the last frame, to move at a speed.
  float move[3] = {0, 0, 0};
  float dt = 0;
};

// The number in an action's argument ("zoom:2.5"), or an nf::Error naming the action; must lie in [lo, hi].
double action_number(const std::string& action, const std::string& text, double lo, double hi);

// Where an image of width x height texels lies in rect when fitted and centred: its top-left corner and the
// framebuffer pixels per texel.
struct Placement {
  float x0 = 0, y0 = 0, zoom = 1;
};
Placement fitted_placement(const ViewRect& rect, int width, int height);

// Push constants that show width x height texels of plane 0 with their top-left corner at framebuffer
// (x0, y0), zoom framebuffer pixels per texel, clipped to rect (no split).
ViewportPush placed_push(const ViewRect& rect, float x0, float y0, float zoom, uint32_t width,
                         uint32_t height);

class Mode {
 public:
  virtual ~Mode() = default;
  virtual std::string name() const = 0;

  // Training. steps_done()/total_steps() count the current run; train_step() records and submits one step
  // without waiting; readout() waits for the submitted steps.
  virtual bool can_train() const = 0;
  virtual uint32_t steps_done() const = 0;
  virtual uint32_t total_steps() const = 0;
  virtual void train_step() = 0;
  virtual TrainReadout readout() = 0;
  // Fresh parameters with the current hyperparameters (clears the plots' history).
  virtual void reset() = 0;
  // Full-signal quality of the current model (e.g. image PSNR), measured at the last view refresh.
  virtual std::optional<double> quality() const = 0;
  virtual const char* quality_name() const = 0;
  virtual uint64_t parameter_count() const = 0;

  // The mode's own panel sections (hyperparameters, views). Called between ImGui::NewFrame and Render.
  virtual void draw_panel() = 0;
  // Whether the viewport's contents are out of date (training moved on, a view changed); refresh_view()
  // then rebuilds them. The viewer calls refresh_view() only when no frame that reads them is in flight.
  virtual bool view_stale(double now_s) const = 0;
  virtual void refresh_view(double now_s) = 0;
  // Zoom / pan / split handling, then what to draw in rect.
  virtual void handle_input(const ViewRect& rect, const ViewportInput& input) = 0;
  virtual ViewportDraw viewport(const ViewRect& rect) const = 0;
  // Numbered render modes (keys 1-5); returns false for a number the mode does not have.
  virtual bool select_view(int number) = 0;
  // Whether W, A, S, D, Q and E move the mode's camera (then S takes no screenshot; the panel's button does).
  virtual bool uses_movement_keys() const { return false; }
  // The number keys' views for the panel's key help, e.g. "1-4 views (recon, target, error, split)".
  virtual std::string view_keys() const = 0;

  // Scripted / keyboard actions ("view:error", "cam:on", "lr:1e-3", ...). Returns false when the mode does
  // not know the action; throws nf::Error when it knows it but cannot do it.
  virtual bool action(const std::string& action) = 0;
  // The mode's actions, for the message on an unknown action ("view:recon|target, zoom:Z, ...").
  virtual std::string action_help() const = 0;

  // Files. open_input replaces the signal trained on (input_kind() names it in the panel: "image",
  // "mesh"); snapshots hold the current model.
  virtual const char* input_kind() const = 0;
  virtual void open_input(const std::string& path) = 0;
  virtual void save_snapshot(const std::string& path) = 0;
  virtual void load_snapshot(const std::string& path) = 0;

  // The mode's state for the viewer's --report (JSON): view, config, what the viewport shows in rect.
  virtual json report(const ViewRect& rect) const = 0;
  // A one-line status for the title bar and the log ("kodim05.png 128x128, ffn-cam, step 120").
  virtual std::string status() const = 0;
};

}  // namespace nf::viewer
