#pragma once
// Which task mode opens an input, and making it: scenes (a folder, a transforms file) and radiance snapshots
// open in RadianceMode, meshes (.obj, .ply) and SDF snapshots in SdfMode, images, image snapshots and image
// configs
// (.json, fitted to the bundled image) in ImageMode. The viewer starts with one and switches when a dropped
// file needs another.
#include <memory>
#include <string>
#include <vector>

#include "data/posed_images.hpp"
#include "mode.hpp"

namespace nf::gpu {
class Context;
}

namespace nf::viewer {

// What the command line asked for; the input chooses the mode (an empty field: the mode's default config).
struct ModeRequest {
  std::string input;
  std::string field;
  std::vector<std::string> overrides;
  uint32_t seed = 0;
  data::SceneOptions scene;  // radiance: --downscale, --holdout-every
  std::string background;    // radiance: --background
};

// "radiance", "sdf" or "image" (Mode::name() of the mode that opens path); reads a snapshot's header. Throws
// naming the file when it cannot be read.
std::string mode_for(const std::string& path);

std::unique_ptr<Mode> make_mode(gpu::Context& ctx, const ModeRequest& request);

}  // namespace nf::viewer
