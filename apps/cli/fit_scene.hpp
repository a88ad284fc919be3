#pragma once
// `nf fit` on a posed-image scene (a transforms .json file or a folder holding one): trains a radiance
// field, writes snapshot.nf, metrics.json and the test views' renders and error maps in DIR/test/.
#include <string>
#include <vector>

#include "data/posed_images.hpp"
#include "gpu_options.hpp"

namespace nf::cli {

// Dataset options shared by the scene commands (fit, eval, bench nerf).
struct SceneArgs {
  int downscale = 1;
  uint32_t holdout_every = 8;
  std::string background;  // empty: the config's

  data::SceneOptions options() const;
  void add_to(CLI::App& cmd);
};

struct SceneFitArgs {
  std::string input, field, out;
  uint32_t steps = 0, seed = 0, eval_every = 0;
  double max_seconds = 0;
  bool no_optimizer_state = false, quiet = false;
  std::vector<std::string> overrides;
  SceneArgs scene;
  GpuOptions gpu;
};

// Is `path` a scene `nf fit` trains a radiance field on (a folder, or a .json file that is not a config)?
bool is_scene_input(const std::string& path);

void run_fit_scene(const SceneFitArgs& args);

}  // namespace nf::cli
