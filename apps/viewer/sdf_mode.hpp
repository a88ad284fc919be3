#pragma once
// The SDF task in the viewer: trains an SdfExperiment on a mesh (.obj, .ply) and shows its zero level set
// sphere traced from an orbit camera (shaded, normals, depth or step count: views 1-4) or a cut-plane slice
// z = c of the signed distance (view 5: blue inside, red outside, the zero contour black). Left drag
// orbits, right or middle drag (or shift + left drag) pans, the wheel zooms (in the slice view it moves
// the plane).
//
// Cost on slow devices (lavapipe: ~1 M field evaluations/s): a traced image costs pixels x (iterations + 6)
// evaluations, so it is rendered at a fraction of the viewport's size (scale, default 1/8, shown
// enlarged), only when stale: after a camera / view / size change, and while training once the model
// moved on and max(1 s, 4 x the last render's time) passed. While a drag is under way the preview is
// rendered at half the scale and at most 24 iterations; the full view follows when the drag ends.
// The IoU estimate (quality()) is that of pipeline::SdfIouProbe on iou_points fixed points, measured at
// view refreshes after training moved on. Hyperparameters are edited as in ImageMode (ConfigEdits).
// A snapshot whose mesh file is missing loads for viewing only (no training, no IoU).
#include <memory>
#include <string>
#include <vector>

#include "config_panel.hpp"
#include "data/mesh_sdf.hpp"
#include "gpu/buffer.hpp"
#include "mode.hpp"
#include "pipeline/sdf_experiment.hpp"
#include "pipeline/sdf_metrics.hpp"

namespace nf::viewer {

struct SdfModeOptions {
  std::string input;                   // mesh (.obj, .ply) or SDF snapshot (.nf)
  std::string field = "sdf-rbf";       // named config or .json file
  std::vector<std::string> overrides;  // "key=JSON", applied in order
  uint32_t seed = 0;
  uint32_t iou_points = 1u << 14;
};

// Whether a path names a mesh the SDF mode opens (.obj or .ply, any case).
bool is_mesh_path(const std::string& path);

class SdfMode final : public Mode {
 public:
  enum class View { Shaded = 1, Normals = 2, Depth = 3, Steps = 4, Slice = 5 };
  static constexpr float kMinScale = 1.0f / 16, kMaxScale = 1.0f;

  SdfMode(gpu::Context& ctx, const SdfModeOptions& options);

  std::string name() const override { return "sdf"; }
  bool can_train() const override { return target_.truth && steps_done() < total_steps(); }
  uint32_t steps_done() const override { return experiment_->steps_done(); }
  uint32_t total_steps() const override { return experiment_->total_steps(); }
  void train_step() override { experiment_->train_step(); }
  TrainReadout readout() override;
  void reset() override;
  std::optional<double> quality() const override { return iou_; }
  const char* quality_name() const override { return "IoU"; }
  uint64_t parameter_count() const override { return experiment_->field().parameter_count(); }

  void draw_panel() override;
  bool view_stale(double now_s) const override;
  void refresh_view(double now_s) override;
  void handle_input(const ViewRect& rect, const ViewportInput& input) override;
  ViewportDraw viewport(const ViewRect& rect) const override;
  bool select_view(int number) override;
  std::string view_keys() const override { return "1-4 traced views, 5 slice"; }
  bool action(const std::string& action) override;
  std::string action_help() const override;
  const char* input_kind() const override { return "mesh"; }
  void open_input(const std::string& path) override;
  void save_snapshot(const std::string& path) override;
  void load_snapshot(const std::string& path) override;
  json report(const ViewRect& rect) const override;
  std::string status() const override;

  // State, for the report and tests.
  View view() const { return view_; }
  const render::OrbitCamera& camera() const { return camera_; }
  double slice() const { return slice_; }
  float scale() const { return scale_; }
  uint32_t iterations() const { return iterations_; }
  bool fd_normals() const { return fd_normals_; }
  const std::string& config_name() const { return config_name_; }
  const ConfigEdits& edits() const { return edits_; }
  uint64_t rebuilds() const { return rebuilds_; }
  pipeline::SdfExperiment& experiment() { return *experiment_; }
  const std::string& last_error() const { return error_; }
  // The size of the image the next refresh makes (texels), and what is shown now.
  struct Extent {
    int width = 0, height = 0;
  };
  Extent next_extent() const;
  Extent shown_extent() const { return {shown_width_, shown_height_}; }
  bool shown_preview() const { return shown_preview_; }
  double last_render_ms() const { return render_ms_; }
  // Where the shown image lies in rect: top-left corner and framebuffer pixels per texel (centred, fitted).
  Placement placement(const ViewRect& rect) const;

  // Applies the edited config (fresh parameters); throws, keeping the running experiment, when invalid.
  void apply();
  // Edits the edited config at a dotted path; the learning rate applies live.
  void edit(const std::string& assignment);
  // The field's zero level set on a resolution^3 grid (pipeline::extract_sdf_mesh, as `nf export-mesh`),
  // in the mesh file's units, written atomically (.obj or .ply). Throws naming the file, or when the
  // field has no zero crossing.
  void export_mesh(const std::string& path, uint32_t resolution);

 private:
  // What is trained on: the mesh file, its ground truth and transform, the IoU probe (truth and probe
  // are null for a snapshot whose mesh is missing). Shared: rebuilds keep them.
  struct Target {
    std::string input;
    data::MeshTransform transform;
    std::shared_ptr<const data::MeshSdf> truth;
    std::shared_ptr<const pipeline::SdfIouProbe> probe;
  };
  Target load_target(const std::string& path) const;
  void install(std::unique_ptr<pipeline::SdfExperiment> e, Target target, const json& config);
  void rebuild(const json& config);
  void set_view(View v);
  void mark_stale() { force_refresh_ = true; }
  void draw_view_panel();
  void draw_export_panel();

  gpu::Context& ctx_;
  uint32_t seed_, iou_points_;
  std::string config_name_;
  ConfigEdits edits_;
  Target target_;  // declared before the experiment, which refers to its truth: destroyed after it
  std::unique_ptr<pipeline::SdfExperiment> experiment_;
  uint64_t rebuilds_ = 0;

  View view_ = View::Shaded;
  render::OrbitCamera camera_;  // its width and height are set per render
  double slice_ = 0;
  float scale_ = 0.125f;
  int iterations_ = 64;
  bool fd_normals_ = false;  // central-difference normals (kFdNormalStep) instead of the analytic gradient
  ViewRect rect_{0, 0, 880, 800};  // the last viewport (sets the render size)
  bool dragging_ = false;

  gpu::Buffer texels_;  // the shown image, RGBA8
  int shown_width_ = 0, shown_height_ = 0;
  bool shown_preview_ = false, force_refresh_ = true;
  uint32_t shown_step_ = UINT32_MAX, iou_step_ = UINT32_MAX;
  double last_refresh_s_ = -1e9, render_ms_ = 0;
  std::optional<double> iou_;

  int export_resolution_ = 128;
  std::string export_path_ = "mesh.obj", set_text_, notice_, error_;
};

}  // namespace nf::viewer
