#pragma once
// How a radiance field's renders are looked at, shared by `nf render` and the viewer: the views of a render
// (colour, depth, opacity, samples per ray) as images, and cameras made for looking (resized, look-at, orbits
// around the scene the dataset's cameras look at).
#include <string>
#include <vector>

#include "core/image.hpp"
#include "pipeline/radiance_experiment.hpp"

namespace nf::pipeline {

enum class RadianceView { Rgb, Depth, Opacity, Samples };
// "rgb" | "depth" | "opacity" | "samples"; fails naming the value.
RadianceView parse_radiance_view(const std::string& name);
const char* radiance_view_name(RadianceView view);

// A view as an image. Depth: the expected depth over the opacity (world units) where the opacity exceeds 1/2,
// colour-mapped from lo (dark) to hi (bright) over the 2nd to 98th percentile of those pixels; misses show as
// far. Samples: marched samples per ray, colour-mapped from 0 to hi. rgb and opacity: as rendered (lo = 0, hi
// = 1).
struct ViewImage {
  Image image;
  double lo = 0, hi = 1;
};
ViewImage radiance_view_image(const RadianceRender& render, RadianceView view, double scene_scale);

// A camera with its intrinsics rescaled to width x height (0: keeps the aspect of the other; both 0:
// unchanged). Fails when the size exceeds kMaxImagePixels.
data::Camera resized_camera(data::Camera camera, int width, int height);

// The frame the dataset's cameras share: the box centre they look at, their mean up direction, their mean
// distance from the centre and mean elevation (radians) above the plane normal to up.
struct SceneFrame {
  Vec3 centre, up;
  double radius = 1, elevation = 0;
};
SceneFrame scene_frame(const RadianceSceneInfo& scene);

// A camera at eye looking at target, its up as close to `up` as the view allows (OpenGL convention), with
// intrinsics k.
data::Camera look_at(const Vec3& eye, const Vec3& target, const Vec3& up, const data::CameraIntrinsics& k);

// n cameras on a circle around the scene frame's centre, at its radius and elevation, with the first test
// (else training) camera's intrinsics.
std::vector<data::Camera> orbit_cameras(const RadianceSceneInfo& scene, uint32_t n);

}  // namespace nf::pipeline
