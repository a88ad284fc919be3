#include "scene_camera.hpp"

#include <algorithm>
#include <cmath>

namespace nf::viewer {

SceneCamera SceneCamera::around(const pipeline::SceneFrame& f) {
  SceneCamera c;
  c.up = f.up;
  c.e1 = cross(f.up, std::abs(f.up.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0});
  c.e1 = c.e1 / length(c.e1);
  c.e2 = cross(f.up, c.e1);
  c.pivot = f.centre;
  c.distance = f.radius;
  c.pitch = -std::clamp(f.elevation, -kMaxPitch, kMaxPitch);  // looking down at the centre from above
  return c;
}

SceneCamera SceneCamera::from(const data::Camera& cam, const pipeline::SceneFrame& f) {
  SceneCamera c = around(f);
  const Vec3 d = cam.forward(), eye = cam.position();
  c.pitch = std::clamp(std::asin(std::clamp(dot(d, c.up), -1.0, 1.0)), -kMaxPitch, kMaxPitch);
  c.yaw = std::atan2(dot(d, c.e2), dot(d, c.e1));
  c.distance = std::max(0.1, dot(f.centre - eye, d));
  c.fov_deg = 2 * std::atan(0.5 * cam.k.height / cam.k.fy) * 180 / M_PI;
  c.pivot = eye + c.forward() * c.distance;
  return c;
}

Vec3 SceneCamera::forward() const {
  return (e1 * std::cos(yaw) + e2 * std::sin(yaw)) * std::cos(pitch) + up * std::sin(pitch);
}

void SceneCamera::orbit(double dx, double dy) {
  yaw -= dx * kRadiansPerPixel;
  pitch = std::clamp(pitch - dy * kRadiansPerPixel, -kMaxPitch, kMaxPitch);
}

void SceneCamera::pan(double dx, double dy, double view_height_px) {
  const data::Camera c = camera(2, 2);
  const Vec3 right{c.c2w[0], c.c2w[4], c.c2w[8]}, cam_up{c.c2w[1], c.c2w[5], c.c2w[9]};
  const double per_pixel = 2 * distance * std::tan(fov_deg * M_PI / 360) / std::max(1.0, view_height_px);
  pivot += (right * -dx + cam_up * dy) * per_pixel;
}

void SceneCamera::zoom(double wheel_steps) {
  distance = std::clamp(distance * std::pow(0.9, wheel_steps), 1e-3, 1e3);
}

void SceneCamera::look(double dx, double dy) {
  const Vec3 e = eye();
  yaw -= dx * kRadiansPerPixel;
  pitch = std::clamp(pitch - dy * kRadiansPerPixel, -kMaxPitch, kMaxPitch);
  pivot = e + forward() * distance;
}

void SceneCamera::fly(double right, double up_amount, double fwd) {
  const data::Camera c = camera(2, 2);
  const Vec3 r{c.c2w[0], c.c2w[4], c.c2w[8]}, u{c.c2w[1], c.c2w[5], c.c2w[9]};
  pivot += r * right + u * up_amount + forward() * fwd;
}

data::Camera SceneCamera::camera(int width, int height) const {
  data::CameraIntrinsics k;
  k.width = width;
  k.height = height;
  k.fy = k.fx = 0.5 * height / std::tan(fov_deg * M_PI / 360);
  k.cx = 0.5 * width;
  k.cy = 0.5 * height;
  return pipeline::look_at(eye(), pivot, up, k);
}

}  // namespace nf::viewer
