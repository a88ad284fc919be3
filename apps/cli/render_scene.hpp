#pragma once
// `nf render` and `nf eval` on a radiance snapshot.
#include <string>

#include "gpu_options.hpp"
#include "io/snapshot.hpp"

namespace nf::cli {

struct RadianceRenderArgs {
  std::string snapshot, out;
  std::string view = "rgb";   // rgb, depth, opacity or samples
  int test_view = -1, train_view = -1;
  std::string camera_file;    // a transforms file (or one frame of one)
  int frame = 0;
  uint32_t orbit = 0;         // > 0: that many frames on a circle around the scene centre, into folder `out`
  int width = 0, height = 0;  // 0: the camera's
  std::string background;     // empty: the snapshot's evaluation background
  GpuOptions gpu;
};

void run_render_radiance(const RadianceRenderArgs& args, const Snapshot& snapshot);

struct RadianceEvalArgs {
  std::string snapshot, reference, out, renders;
  int downscale = 1;
  GpuOptions gpu;
};

void run_eval_radiance(const RadianceEvalArgs& args, const Snapshot& snapshot);

}  // namespace nf::cli
