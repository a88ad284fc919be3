#pragma once
// Pinhole cameras with OpenCV radial-tangential distortion, and the scene box of a posed-image dataset.
// Double-precision CPU reference of what shaders/include/camera.glsl computes on the GPU.
//
// Conventions (DESIGN.md 5): camera-to-world matrices in the OpenGL convention (the camera looks along -Z, +Y
// is up, +X right); pixel (px, py) has its centre at (px + 0.5, py + 0.5), py grows downwards. Positions are in
// *scene* coordinates: world p -> p * scale + offset (instant-ngp's transform, without its axis cycling), in
// which the scene box is the cube of side aabb_scale centred on (0.5, 0.5, 0.5); the unit cube [0,1]^3 is
// instant-ngp's aabb_scale 1 box. Fields take x = (q - 0.5) * 2 / aabb_scale in [-1,1]^3.
#include <array>

#include "core/vec3.hpp"
#include "io/transforms.hpp"

namespace nf::data {

struct CameraIntrinsics {
  double fx = 0, fy = 0;  // focal lengths, pixels
  double cx = 0, cy = 0;  // principal point, pixels (image centre: width / 2, height / 2)
  int width = 0, height = 0;
  LensDistortion distortion;
  friend bool operator==(const CameraIntrinsics&, const CameraIntrinsics&) = default;
};

struct Camera {
  CameraIntrinsics k;
  std::array<double, 12> c2w{};  // camera-to-scene, row-major 3x4 [R | t], OpenGL convention
  Vec3 position() const { return {c2w[3], c2w[7], c2w[11]}; }
  // The camera's viewing direction (-Z of its frame) in the scene.
  Vec3 forward() const { return {-c2w[2], -c2w[6], -c2w[10]}; }
};

struct Ray {
  Vec3 origin;
  Vec3 direction;  // unit length
};

// OpenCV's model on normalised coordinates: (x, y) -> (x, y) + delta.
std::array<double, 2> distort(const LensDistortion& d, double x, double y);
// Inverse of distort() by Newton's method (analytic Jacobian; converges in a few iterations for real lenses).
std::array<double, 2> undistort(const LensDistortion& d, double xd, double yd);

// The ray through image point (u, v) (pixels; pixel centres at +0.5), distortion undone.
Ray camera_ray(const Camera& camera, double u, double v);
// The image point (u, v) where a scene point projects, distortion applied (for tests and overlays); the point
// must be in front of the camera.
std::array<double, 2> project(const Camera& camera, const Vec3& point);

// World -> scene transform and the scene box.
struct SceneBox {
  double scale = 0.33;
  Vec3 offset{0.5, 0.5, 0.5};
  double aabb_scale = 1;  // a power of two: side of the box in scene units

  Vec3 to_scene(const Vec3& world) const { return world * scale + offset; }
  Vec3 to_world(const Vec3& scene) const { return (scene - offset) / scale; }
  Vec3 box_min() const { return Vec3{0.5, 0.5, 0.5} - Vec3{1, 1, 1} * (aabb_scale / 2); }
  Vec3 box_max() const { return Vec3{0.5, 0.5, 0.5} + Vec3{1, 1, 1} * (aabb_scale / 2); }
  // Field input x in [-1,1]^3 of a scene point (and back).
  Vec3 to_field(const Vec3& scene) const { return (scene - Vec3{0.5, 0.5, 0.5}) * (2 / aabb_scale); }
  Vec3 from_field(const Vec3& x) const { return x * (aabb_scale / 2) + Vec3{0.5, 0.5, 0.5}; }
};

// The camera of a transforms-file frame: intrinsics from the file (focal length from fl_x / fl_y or the
// camera angles; principal point default the image centre) for an image of image_width x image_height pixels
// as stored, reduced by `downscale` (a box filter of downscale x downscale pixels, remainders cropped); the pose
// in scene coordinates. Fails naming frame.where when the file's w / h disagree with the image or no focal
// length is given.
Camera frame_camera(const TransformsFrame& frame, const SceneBox& box, int image_width, int image_height,
                    int downscale);

// Distance along the ray to where it enters and leaves the axis-aligned box [lo, hi] (t_near > t_far: a miss;
// t_near may be negative when the origin is inside).
std::array<double, 2> ray_box(const Ray& ray, const Vec3& lo, const Vec3& hi);

}  // namespace nf::data
