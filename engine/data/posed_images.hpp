#pragma once
// Posed-image datasets (radiance fields): cameras and their photos, split into training and test views.
//
// A scene is a transforms file (io/transforms.hpp) or a folder holding one:
//   - transforms_train.json (NeRF's Blender layout): training views; test views from transforms_test.json
//     beside it when present;
//   - transforms.json (instant-ngp's layout): every frame; test views are every K-th frame (holdout_every,
//     default 8: the LLFF / Mip-NeRF 360 convention), the rest train.
// A file named *train*.json takes its test views from the same name with "test" for the last "train"
// (transforms_subset_train.json -> transforms_subset_test.json) when that exists, else holdout_every.
// Frame images: file_path relative to the transforms file; without an extension (Blender), ".png" is added.
// A missing or unreadable image is skipped with a warning naming it; everything else that is wrong fails
// naming the file and the frame. Images are kept as 8-bit RGBA (gray replicated, alpha 1 when absent),
// optionally reduced by `downscale` with a box filter (colours averaged weighted by alpha).
#include <cstdint>
#include <string>
#include <vector>

#include "data/camera.hpp"

namespace nf::data {

struct PosedView {
  std::string name;  // the frame's file_path as the file gives it
  Camera camera;
  std::vector<uint32_t> rgba;  // width x height pixels, row-major from the top, RGBA8 (R in the low byte)
};

struct SceneOptions {
  int downscale = 1;
  uint32_t holdout_every = 8;  // for files without a test file; 0: no test views
  bool load_images = true;     // false: cameras only (rgba left empty), e.g. to render a trained scene
};

struct Scene {
  std::string source;      // the path given
  std::string train_file;  // the transforms files read
  std::string test_file;   // empty when test views are held out of train_file
  std::string test_split;  // how test views were chosen, for reports
  SceneBox box;
  std::vector<PosedView> train, test;
  bool has_alpha = false;  // some image has a pixel with alpha < 1 (composite on a background)

  uint64_t image_bytes() const;
};

// Reads a scene (see above). Throws nf::Error naming the file and frame.
Scene load_scene(const std::string& path, const SceneOptions& options = {});

// Reduces an RGBA8 image by an integer factor with a box filter (alpha-weighted colours); a remainder of
// rows or columns is cropped.
std::vector<uint32_t> downscale_rgba(const std::vector<uint32_t>& rgba, int width, int height, int factor);

}  // namespace nf::data
