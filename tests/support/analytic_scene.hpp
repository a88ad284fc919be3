#pragma once
// A radiance-field test scene rendered exactly: coloured spheres of constant density (world units), volume
// rendered in closed form (a constant-density segment of length L has opacity 1 - exp(-sigma L)). Cameras
// on a sphere around the origin look at it (OpenGL convention); images are RGBA with alpha = opacity, so
// compositing them on a background reproduces the exact render on that background.
#include <array>
#include <string>
#include <vector>

#include "core/vec3.hpp"
#include "data/camera.hpp"

namespace nf::test {

struct Sphere {
  Vec3 centre;
  double radius = 0.5;
  double density = 20;  // per world unit
  std::array<double, 3> color{1, 0, 0};
};

struct AnalyticPixel {
  std::array<double, 3> color{};  // on a black background (premultiplied)
  double opacity = 0;
  double depth = 0;  // expected depth sum_j w_j t_j (world units), as the volume renderer defines it
};

struct AnalyticScene {
  std::vector<Sphere> spheres;

  // Three spheres (red, green, blue) inside [-1, 1]^3, non-overlapping.
  static AnalyticScene three_spheres();
  AnalyticPixel trace(const Vec3& origin, const Vec3& direction) const;
  // True when a world point is inside a sphere.
  bool inside(const Vec3& p, double margin = 0) const;
};

// A camera at `position` (world) looking at the origin with +Y up, fov_x radians, width x height.
std::array<double, 16> look_at_origin(const Vec3& position);
// Camera positions spread over a sphere of radius r (a Fibonacci spiral of n points, elevations in
// [-60, 80] degrees).
std::vector<Vec3> orbit_positions(size_t n, double r, double phase = 0);

// Writes a Blender-layout scene into `folder`: train/r_i.png, test/r_i.png, transforms_train.json,
// transforms_test.json (camera_angle_x, file paths without extension).
void write_blender_scene(const AnalyticScene& scene, const std::string& folder, size_t train, size_t test, int size,
                         double fov_x = 0.7);

// Writes an instant-ngp-layout scene: images/f_i.png and one transforms.json with fl_x, fl_y, cx, cy, w, h, the
// lens distortion (the images are rendered through it), aabb_scale, scale and offset.
struct NgpSceneOptions {
  size_t views = 24;
  int width = 40, height = 32;
  LensDistortion distortion{-0.08, 0.02, 0, 0.002, -0.001};
  double aabb_scale = 2, scale = 0.3;
  Vec3 offset{0.5, 0.5, 0.5};
};
void write_ngp_scene(const AnalyticScene& scene, const std::string& folder, const NgpSceneOptions& options);

}  // namespace nf::test
