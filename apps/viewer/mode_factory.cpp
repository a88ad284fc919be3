#include "mode_factory.hpp"

#include "assets/bundled_files.hpp"
#include "image_mode.hpp"
#include "io/snapshot.hpp"
#include "pipeline/radiance_experiment.hpp"
#include "pipeline/sdf_experiment.hpp"
#include "radiance_mode.hpp"
#include "sdf_mode.hpp"

namespace nf::viewer {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string mode_for(const std::string& path) {
  if (ends_with(path, ".nf")) {
    const Snapshot s = read_snapshot(path);
    if (pipeline::is_radiance_snapshot(s)) return "radiance";
    if (pipeline::is_sdf_snapshot(s)) return "sdf";
    return "image";
  }
  if (is_scene_path(path)) return "radiance";
  if (is_mesh_path(path)) return "sdf";
  return "image";
}

std::unique_ptr<Mode> make_mode(gpu::Context& ctx, const ModeRequest& r) {
  const std::string mode = r.input.empty() ? "image" : mode_for(r.input);
  if (mode == "radiance") {
    RadianceModeOptions o;
    o.input = r.input;
    if (!r.field.empty()) o.field = r.field;
    o.overrides = r.overrides;
    o.seed = r.seed;
    o.scene = r.scene;
    o.background = r.background;
    return std::make_unique<RadianceMode>(ctx, o);
  }
  if (mode == "sdf") {
    SdfModeOptions o;
    o.input = r.input;
    if (!r.field.empty()) o.field = r.field;
    o.overrides = r.overrides;
    o.seed = r.seed;
    return std::make_unique<SdfMode>(ctx, o);
  }
  ImageModeOptions o;
  if (!r.field.empty()) o.field = r.field;
  o.overrides = r.overrides;
  o.seed = r.seed;
  o.input = r.input;
  if (ends_with(r.input, ".json")) {  // a config file: fit it to the bundled image
    o.field = r.input;
    o.input = assets::bundled_file("images/kodim01.png");
  }
  if (o.input.empty()) o.input = assets::bundled_file("images/kodim01.png");
  return std::make_unique<ImageMode>(ctx, o);
}

}  // namespace nf::viewer
