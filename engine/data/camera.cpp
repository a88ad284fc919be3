#include "data/camera.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace nf::data {

std::array<double, 2> distort(const LensDistortion& d, double x, double y) {
  const double r2 = x * x + y * y;
  const double radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
  return {x * radial + 2 * d.p1 * x * y + d.p2 * (r2 + 2 * x * x),
          y * radial + d.p1 * (r2 + 2 * y * y) + 2 * d.p2 * x * y};
}

std::array<double, 2> undistort(const LensDistortion& d, double xd, double yd) {
  double x = xd, y = yd;
  for (int i = 0; i < 50; ++i) {
    const auto [fx, fy] = distort(d, x, y);
    const double ex = fx - xd, ey = fy - yd;
    // Jacobian of distort() at (x, y).
    const double r2 = x * x + y * y;
    const double radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
    const double dradial = 2 * (d.k1 + r2 * (2 * d.k2 + 3 * d.k3 * r2));  // d radial / d(x or y), divided by x or y
    const double a = radial + x * x * dradial + 2 * d.p1 * y + 6 * d.p2 * x;  // d x_d / dx
    const double b = x * y * dradial + 2 * d.p1 * x + 2 * d.p2 * y;           // d x_d / dy = d y_d / dx
    const double e = radial + y * y * dradial + 6 * d.p1 * y + 2 * d.p2 * x;  // d y_d / dy
    const double det = a * e - b * b;
    if (std::abs(det) < 1e-300) break;
    const double sx = (e * ex - b * ey) / det, sy = (a * ey - b * ex) / det;
    x -= sx, y -= sy;
    if (sx * sx + sy * sy < 1e-28) break;
  }
  return {x, y};
}

Ray camera_ray(const Camera& camera, double u, double v) {
  const CameraIntrinsics& k = camera.k;
  double x = (u - k.cx) / k.fx, y = (v - k.cy) / k.fy;
  if (k.distortion.any()) {
    const auto p = undistort(k.distortion, x, y);
    x = p[0], y = p[1];
  }
  // Camera frame (OpenGL): +X right, +Y up (image rows grow downwards), looking along -Z.
  const Vec3 local{x, -y, -1};
  const auto& m = camera.c2w;
  const Vec3 dir{m[0] * local.x + m[1] * local.y + m[2] * local.z, m[4] * local.x + m[5] * local.y + m[6] * local.z,
                 m[8] * local.x + m[9] * local.y + m[10] * local.z};
  return {camera.position(), dir / length(dir)};
}

std::array<double, 2> project(const Camera& camera, const Vec3& point) {
  const auto& m = camera.c2w;
  const Vec3 p = point - camera.position();
  // Rotation transposed: scene -> camera frame.
  const Vec3 local{m[0] * p.x + m[4] * p.y + m[8] * p.z, m[1] * p.x + m[5] * p.y + m[9] * p.z,
                   m[2] * p.x + m[6] * p.y + m[10] * p.z};
  NF_ASSERT(local.z < 0, "project(): the point is behind the camera");
  double x = local.x / -local.z, y = -local.y / -local.z;
  if (camera.k.distortion.any()) {
    const auto d = distort(camera.k.distortion, x, y);
    x = d[0], y = d[1];
  }
  return {x * camera.k.fx + camera.k.cx, y * camera.k.fy + camera.k.cy};
}

Camera frame_camera(const TransformsFrame& frame, const SceneBox& box, int image_width, int image_height,
                    int downscale) {
  const TransformsIntrinsics& t = frame.intrinsics;
  if ((t.w && *t.w != image_width) || (t.h && *t.h != image_height))
    fail(frame.where, ": the image is ", image_width, "x", image_height, " pixels but the file says w ",
         t.w ? std::to_string(*t.w) : "-", ", h ", t.h ? std::to_string(*t.h) : "-");
  NF_ASSERT(downscale >= 1, "downscale must be >= 1");
  const double w = image_width, h = image_height;
  std::optional<double> fx = t.fl_x, fy = t.fl_y;
  if (!fx && t.camera_angle_x) fx = 0.5 * w / std::tan(0.5 * *t.camera_angle_x);
  if (!fy && t.camera_angle_y) fy = 0.5 * h / std::tan(0.5 * *t.camera_angle_y);
  if (!fx && !fy) fail(frame.where, ": no focal length (fl_x, fl_y, camera_angle_x or camera_angle_y)");
  if (!fx) fx = fy;
  if (!fy) fy = fx;
  Camera c;
  c.k.fx = *fx / downscale;
  c.k.fy = *fy / downscale;
  c.k.cx = t.cx.value_or(w / 2) / downscale;
  c.k.cy = t.cy.value_or(h / 2) / downscale;
  c.k.width = image_width / downscale;
  c.k.height = image_height / downscale;
  c.k.distortion = t.distortion();
  if (c.k.width < 1 || c.k.height < 1)
    fail(frame.where, ": --downscale ", downscale, " leaves nothing of a ", image_width, "x", image_height, " image");
  const auto& m = frame.matrix;
  for (int r = 0; r < 3; ++r) {
    for (int col = 0; col < 3; ++col) c.c2w[size_t(4 * r + col)] = m[size_t(4 * r + col)];
    c.c2w[size_t(4 * r + 3)] = m[size_t(4 * r + 3)] * box.scale + box.offset[r];
  }
  return c;
}

std::array<double, 2> ray_box(const Ray& ray, const Vec3& lo, const Vec3& hi) {
  double t0 = -std::numeric_limits<double>::infinity(), t1 = std::numeric_limits<double>::infinity();
  for (int a = 0; a < 3; ++a) {
    const double inv = 1.0 / ray.direction[a];  // +-inf for axis-parallel rays: the slab is all or nothing
    double ta = (lo[a] - ray.origin[a]) * inv, tb = (hi[a] - ray.origin[a]) * inv;
    if (std::isnan(ta) || std::isnan(tb)) {  // origin on a slab plane of a parallel ray
      if (ray.origin[a] < lo[a] || ray.origin[a] > hi[a]) return {1, 0};
      continue;
    }
    if (ta > tb) std::swap(ta, tb);
    t0 = std::max(t0, ta);
    t1 = std::min(t1, tb);
  }
  return {t0, t1};
}

}  // namespace nf::data
