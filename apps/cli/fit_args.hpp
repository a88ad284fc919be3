#pragma once
// What `nf fit` takes, for every kind of input (image, mesh, scene), and the dataset options the scene
// commands share (fit, bench nerf).
#include <string>
#include <vector>

#include "gpu_options.hpp"
#include "scene_args.hpp"

namespace nf::cli {

struct FitArgs {
  std::string input;
  std::string field;  // empty: rbf for images, sdf-rbf for meshes, nerf-hashgrid for scenes
  uint32_t steps = 0;
  std::string out = "out";
  uint32_t seed = 0;
  uint32_t eval_every = 0;  // images and scenes
  double max_seconds = 0;
  bool no_optimizer_state = false;
  bool quiet = false;
  uint32_t export_resolution = 0;  // meshes
  uint32_t snapshot_every = 0;     // write DIR/snapshot.nf every K steps
  std::string resume;              // continue the run in this folder (fit_run.hpp)
  std::vector<std::string> overrides;
  SceneArgs scene;
  GpuOptions gpu;
};

}  // namespace nf::cli
