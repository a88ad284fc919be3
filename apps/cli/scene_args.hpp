#pragma once
// The dataset options of the commands that load posed-image scenes: nf fit, nf bench nerf and nf-viewer.
#include <CLI/CLI.hpp>
#include <string>

#include "data/posed_images.hpp"

namespace nf::cli {

struct SceneArgs {
  int downscale = 1;
  uint32_t holdout_every = 8;
  std::string background;  // empty: the config's

  data::SceneOptions options() const {
    data::SceneOptions o;
    o.downscale = downscale;
    o.holdout_every = holdout_every;
    return o;
  }
  void add_to(CLI::App& cmd) {
    cmd.add_option("--downscale", downscale, "Scenes: load the images reduced by F (box filter)")
        ->capture_default_str();
    cmd.add_option("--holdout-every", holdout_every,
                   "Scenes without a test file: every K-th frame is a test view (0: none)")
        ->capture_default_str();
    cmd.add_option(
        "--background", background,
        "Scenes: background of images with alpha while training: random (a colour per ray), white, black or "
        "R,G,B (default: the config's); test views are scored on it when fixed, else on white");
  }
};

}  // namespace nf::cli
