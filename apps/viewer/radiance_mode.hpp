#pragma once
// The radiance task in the viewer: trains a RadianceExperiment on posed photos (a transforms file or its
// folder) or opens a radiance snapshot (for viewing only when its photos are gone), and renders it from an
// interactive camera (SceneCamera): orbit about a pivot (left drag), pan (right / middle / shift drag), zoom
// (wheel), or fly (WASD + Q/E, left drag looks around); snapping to any training or test camera, with the
// dataset's camera frustums drawn over the view (yellow: training, cyan: test, white: the snapped one).
//
// Views (keys 1-5): colour, depth (colour-mapped, its range in the panel), opacity, samples per ray (heat
// map), and, snapped to a dataset camera whose photo is loaded, the render | the photo | the error map, with
// the view's PSNR.
//
// Progressive rendering: a camera change renders at a quarter of the render scale and at most kPreviewSamples
// samples a ray while it lasts, then the following frames refine it to half and to the full render scale;
// snapped, the full scale is the dataset camera's own size times the render scale. While training the view is
// re-rendered once the model moved on and max(1 s, 4 x the last render's time) passed. The quality readout is
// the PSNR of the first psnr_views test views, scored every max(5 s, 10 x the scoring's time) while training
// moves on.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config_panel.hpp"
#include "data/posed_images.hpp"
#include "gpu/buffer.hpp"
#include "mode.hpp"
#include "pipeline/radiance_experiment.hpp"
#include "pipeline/radiance_views.hpp"
#include "scene_camera.hpp"

namespace nf::viewer {

struct RadianceModeOptions {
  std::string input;                    // a transforms file, its folder, or a radiance snapshot (.nf)
  std::string field = "nerf-hashgrid";  // named config or .json file
  std::vector<std::string> overrides;   // "key=JSON", applied in order
  uint32_t seed = 0;
  data::SceneOptions scene;  // downscale, holdout_every
  std::string background;    // training background ("random", "white", ...); empty: the config's
  uint32_t psnr_views = 1;   // test views scored for the quality readout (0: none)
};

// Whether a path is a scene the radiance mode opens: a folder, or a .json file with "frames".
bool is_scene_path(const std::string& path);

class RadianceMode final : public Mode {
 public:
  enum class View { Rgb = 1, Depth = 2, Opacity = 3, Samples = 4, Compare = 5 };
  static constexpr float kMinScale = 1.0f / 16, kMaxScale = 1.0f;
  static constexpr int kLevels = 3;                // quarter, half, full render scale
  static constexpr uint32_t kPreviewSamples = 32;  // a ray's samples at the first level (while moving)

  RadianceMode(gpu::Context& ctx, const RadianceModeOptions& options);

  std::string name() const override { return "radiance"; }
  bool can_train() const override { return scene_ != nullptr && steps_done() < total_steps(); }
  uint32_t steps_done() const override { return experiment_->steps_done(); }
  uint32_t total_steps() const override { return experiment_->total_steps(); }
  void train_step() override { experiment_->train_step(); }
  TrainReadout readout() override;
  void reset() override;
  std::optional<double> quality() const override { return psnr_; }
  const char* quality_name() const override { return "test PSNR"; }
  uint64_t parameter_count() const override { return experiment_->field().parameter_count(); }

  void draw_panel() override;
  bool view_stale(double now_s) const override;
  void refresh_view(double now_s) override;
  void handle_input(const ViewRect& rect, const ViewportInput& input) override;
  ViewportDraw viewport(const ViewRect& rect) const override;
  bool select_view(int number) override;
  std::string view_keys() const override { return "1 rgb, 2 depth, 3 opacity, 4 samples, 5 photo + error"; }
  bool uses_movement_keys() const override { return fly_; }
  bool action(const std::string& action) override;
  std::string action_help() const override;
  const char* input_kind() const override { return "scene"; }
  void open_input(const std::string& path) override;
  void save_snapshot(const std::string& path) override;
  void load_snapshot(const std::string& path) override;
  json report(const ViewRect& rect) const override;
  std::string status() const override;

  // State, for the report and tests.
  View view() const { return view_; }
  const SceneCamera& camera() const { return camera_; }
  bool flying() const { return fly_; }
  // The dataset cameras one can snap to: the training views, then the test views.
  size_t dataset_cameras() const;
  const data::Camera& dataset_camera(size_t index) const;
  std::optional<size_t> snapped() const { return snapped_; }
  // Snaps to dataset camera `index` (training views first, then test views).
  void snap(size_t index);
  bool frustums() const { return frustums_; }
  float scale() const { return scale_; }
  int level() const { return level_; }
  pipeline::RadianceExperiment& experiment() { return *experiment_; }
  const std::string& config_name() const { return config_name_; }
  const ConfigEdits& edits() const { return edits_; }
  const std::string& last_error() const { return error_; }
  // The camera of the next refresh (its size is the rendered one) and the last render, as rendered.
  data::Camera next_camera() const;
  const pipeline::RadianceRender& last_render() const { return render_; }
  std::optional<double> view_psnr() const { return view_psnr_; }
  int shown_width() const { return shown_width_; }
  // A texel of the shown image (RGBA8, R in the low byte), (0, 0) top-left.
  uint32_t shown_texel(int x, int y) const;
  int shown_height() const { return shown_height_; }
  double last_render_ms() const { return render_ms_; }
  // Where the shown image lies in rect: top-left corner and framebuffer pixels per texel (centred, fitted).
  Placement placement(const ViewRect& rect) const;
  // Where a scene point appears in the shown image (texels), when it is in front of the shown camera.
  std::optional<std::array<double, 2>> shown_point(const Vec3& scene_point) const;

  // Applies the edited config (fresh parameters); throws, keeping the running experiment, when invalid.
  void apply();
  // Edits the edited config at a dotted path; the learning rate applies live.
  void edit(const std::string& assignment);
  // Renders the current camera at full size (snapped: the dataset camera's; else the viewport's) into a PNG.
  void render_to_file(const std::string& path);
  // Renders an orbit of n frames (nf render --orbit's cameras, the viewport's size) into
  // folder/frame_NNN.png.
  void record_orbit(uint32_t n, const std::string& folder);
  // FreSh on the current scene with the edited field; apply_pick re-initialises with the pick.
  void run_fresh(bool apply_pick);

 private:
  void apply_fresh_pick();  // the last selection's pick into the edited config, then apply()
  void install(std::unique_ptr<pipeline::RadianceExperiment> e, std::shared_ptr<const data::Scene> scene,
               const json& config);
  void rebuild(const json& config);
  void moved();  // the camera changed: unsnap, restart refinement
  void set_view(View v);
  void draw_camera_panel();
  void draw_view_panel();
  void draw_file_panel();
  data::Background shown_background() const;
  const data::PosedView* snapped_photo() const;
  void draw_frustums(uint32_t* texels, int width, int height, const data::Camera& shown) const;

  gpu::Context& ctx_;
  RadianceModeOptions options_;
  std::string config_name_;
  ConfigEdits edits_;
  std::shared_ptr<const data::Scene> scene_;  // null: a snapshot whose photos are not there (viewing only)
  std::unique_ptr<pipeline::RadianceExperiment> experiment_;
  pipeline::SceneFrame frame_;

  View view_ = View::Rgb;
  SceneCamera camera_;
  bool fly_ = false, frustums_ = true;
  std::optional<size_t> snapped_;
  float scale_ = 0.25f;
  int level_ = kLevels - 1;  // refinement level of the next refresh (0: a quarter of the scale)
  bool moving_ = false, force_refresh_ = true;
  std::string display_background_;  // empty: the experiment's evaluation background
  ViewRect rect_{0, 0, 880, 800};

  gpu::Buffer texels_;  // the shown image, RGBA8
  int shown_width_ = 0, shown_height_ = 0, shown_level_ = -1;
  data::Camera shown_camera_;
  pipeline::RadianceRender render_;
  double depth_lo_ = 0, depth_hi_ = 0, samples_hi_ = 0;
  std::optional<double> view_psnr_;
  uint32_t shown_step_ = UINT32_MAX, psnr_step_ = UINT32_MAX;
  double last_refresh_s_ = -1e9, render_ms_ = 0, last_psnr_s_ = -1e9, psnr_ms_ = 0;
  std::optional<double> psnr_;

  std::optional<pipeline::FreshResult> fresh_;
  int fresh_inits_ = 3;
  std::string set_text_, notice_, error_, render_path_ = "render.png", orbit_folder_ = "orbit";
  int orbit_frames_ = 36;
};

}  // namespace nf::viewer
