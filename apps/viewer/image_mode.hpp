#pragma once
// The image task in the viewer: trains an ImageExperiment on one image and shows the reconstruction, the
// target, the absolute error (colour-mapped, bright = 0.1 or more) or a split of reconstruction | target,
// with zoom and pan. Hyperparameters are edited on a copy of the experiment's JSON config: the learning
// rate applies live (ImageExperiment::set_learning_rate_scale); any other edit is pending until applied,
// which rebuilds the experiment from the edited config (fresh parameters, clearly marked in the panel).
// A FreSh section (when the field has a FreSh parameter) runs the selection, plots W1 against the
// candidates and applies the pick.
#include <memory>
#include <string>
#include <vector>

#include "config_panel.hpp"
#include "core/config.hpp"
#include "core/image.hpp"
#include "gpu/buffer.hpp"
#include "mode.hpp"
#include "pipeline/fresh.hpp"
#include "pipeline/image_experiment.hpp"

namespace nf::viewer {

struct ImageModeOptions {
  std::string input;          // image file, or a snapshot (.nf) whose source image is used when it exists
  std::string field = "rbf";  // named config or .json file
  std::vector<std::string> overrides;  // "key=JSON", applied in order
  uint32_t seed = 0;
};

class ImageMode final : public Mode {
 public:
  enum class View { Reconstruction = 1, Target = 2, Error = 3, Split = 4 };

  ImageMode(gpu::Context& ctx, const ImageModeOptions& options);

  std::string name() const override { return "image"; }
  bool can_train() const override { return steps_done() < total_steps(); }
  uint32_t steps_done() const override { return experiment_->steps_done(); }
  uint32_t total_steps() const override { return experiment_->total_steps(); }
  void train_step() override { experiment_->train_step(); }
  TrainReadout readout() override;
  void reset() override;
  std::optional<double> quality() const override { return psnr_; }
  const char* quality_name() const override { return "PSNR (dB)"; }
  uint64_t parameter_count() const override { return experiment_->field().parameter_count(); }

  void draw_panel() override;
  bool view_stale(double now_s) const override;
  void refresh_view(double now_s) override;
  void handle_input(const ViewRect& rect, const ViewportInput& input) override;
  ViewportDraw viewport(const ViewRect& rect) const override;
  bool select_view(int number) override;
  std::string view_keys() const override { return "1-4 views (recon, target, error, split)"; }
  bool action(const std::string& action) override;
  std::string action_help() const override;
  const char* input_kind() const override { return "image"; }
  void open_input(const std::string& path) override;
  void save_snapshot(const std::string& path) override;
  void load_snapshot(const std::string& path) override;
  json report(const ViewRect& rect) const override;
  std::string status() const override;

  // State, for the viewer's report and for tests.
  View view() const { return view_; }
  const std::string& config_name() const { return config_name_; }
  const json& edited_config() const { return edits_.edited(); }
  const json& applied_config() const { return edits_.applied(); }
  // Edits that need a rebuild (anything but the learning rate) not yet applied.
  bool rebuild_pending() const { return edits_.rebuild_pending(); }
  // Applies the edited config: rebuilds the experiment (fresh parameters). Throws (keeping the running
  // experiment) when the edited config is invalid.
  void apply();
  // Edits edited_config() at a dotted path (pipeline::apply_override syntax); the learning rate applies live.
  void edit(const std::string& assignment);
  double learning_rate() const { return edits_.learning_rate(); }
  uint64_t rebuilds() const { return rebuilds_; }
  bool cam_enabled() const;
  const Image& target() const { return target_; }
  pipeline::ImageExperiment& experiment() { return *experiment_; }
  // Zoom in framebuffer pixels per image pixel, and the framebuffer position of the image's top-left
  // corner, for a viewport rect (what viewport() draws).
  Placement placement(const ViewRect& rect) const;
  const std::string& last_error() const { return error_; }
  // FreSh on the current target with the edited field (fresh_inits initialisations per candidate; blocks
  // until done); apply_pick then sets the pick in the edited config and rebuilds. The last selection.
  void run_fresh(bool apply_pick);
  const std::optional<pipeline::FreshResult>& fresh() const { return fresh_; }

 private:
  void load_image(const std::string& path);
  void rebuild(const json& config);
  void write_plane(int plane, const Image& image);
  void live_learning_rate();
  void draw_fresh();
  void apply_fresh_pick();  // the last selection's pick into the edited config, then apply()

  gpu::Context& ctx_;
  uint32_t seed_;
  std::string input_;
  Image raw_, target_;
  std::string config_name_;
  ConfigEdits edits_;
  std::unique_ptr<pipeline::ImageExperiment> experiment_;
  uint64_t rebuilds_ = 0;

  gpu::Buffer planes_;  // reconstruction | target | error, RGBA8, width x height each
  uint32_t shown_step_ = UINT32_MAX;
  bool force_refresh_ = true;
  double last_refresh_s_ = -1e9;
  std::optional<double> psnr_;

  View view_ = View::Reconstruction;
  bool fit_ = true;
  float zoom_ = 1, center_x_ = 0, center_y_ = 0, split_ = 0.5f;
  std::string error_, notice_;
  std::string set_text_;  // the panel's free-form "key=JSON" field
  std::optional<pipeline::FreshResult> fresh_;
  int fresh_inits_ = 3;
};

}  // namespace nf::viewer
