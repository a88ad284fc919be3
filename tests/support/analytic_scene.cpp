#include "support/analytic_scene.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/config.hpp"
#include "core/image.hpp"
#include "io/image_io.hpp"

namespace nf::test {
namespace fs = std::filesystem;

AnalyticScene AnalyticScene::three_spheres() {
  AnalyticScene s;
  s.spheres = {{{-0.45, -0.1, 0.0}, 0.38, 30, {0.9, 0.15, 0.1}},
               {{0.45, 0.05, 0.15}, 0.32, 30, {0.1, 0.8, 0.25}},
               {{0.0, 0.35, -0.5}, 0.3, 30, {0.15, 0.3, 0.95}}};
  return s;
}

AnalyticPixel AnalyticScene::trace(const Vec3& o, const Vec3& d) const {
  struct Segment {
    double t0, t1;
    const Sphere* s;
  };
  std::vector<Segment> segs;
  for (const Sphere& s : spheres) {
    const Vec3 oc = o - s.centre;
    const double b = dot(oc, d), c = dot(oc, oc) - s.radius * s.radius;
    const double disc = b * b - c;
    if (disc <= 0) continue;
    const double t0 = std::max(-b - std::sqrt(disc), 0.0), t1 = -b + std::sqrt(disc);
    if (t1 > t0) segs.push_back({t0, t1, &s});
  }
  std::sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) { return a.t0 < b.t0; });
  AnalyticPixel p;
  double T = 1;
  for (const Segment& g : segs) {
    const double L = g.t1 - g.t0, k = g.s->density, e = std::exp(-k * L);
    const double w = T * (1 - e);
    for (int c = 0; c < 3; ++c) p.color[size_t(c)] += w * g.s->color[size_t(c)];
    // Expected depth over the segment: T int_0^L (t0 + s) k e^(-k s) ds.
    p.depth += T * (g.t0 * (1 - e) + (1 - e) / k - L * e);
    T *= e;
  }
  p.opacity = 1 - T;
  return p;
}

bool AnalyticScene::inside(const Vec3& p, double margin) const {
  for (const Sphere& s : spheres)
    if (length(p - s.centre) < s.radius - margin) return true;
  return false;
}

std::array<double, 16> look_at_origin(const Vec3& position) {
  const Vec3 back = position / length(position);  // +Z of the camera points away from what it looks at
  Vec3 right = cross(Vec3{0, 1, 0}, back);
  right = right / length(right);
  const Vec3 up = cross(back, right);
  return {right.x, up.x, back.x, position.x, right.y, up.y, back.y, position.y,
          right.z, up.z, back.z, position.z, 0, 0, 0, 1};
}

std::vector<Vec3> orbit_positions(size_t n, double r, double phase) {
  std::vector<Vec3> out;
  const double golden = M_PI * (3 - std::sqrt(5.0));
  for (size_t i = 0; i < n; ++i) {
    const double f = (double(i) + 0.5) / double(n);
    const double el = (-60 + 140 * f) * M_PI / 180;
    const double az = phase + golden * double(i);
    out.push_back({r * std::cos(el) * std::sin(az), r * std::sin(el), r * std::cos(el) * std::cos(az)});
  }
  return out;
}

namespace {

// The analytic render of one camera (world units) as RGBA: colour over opacity, alpha = opacity.
Image render_rgba(const AnalyticScene& scene, const data::Camera& cam) {
  Image img(cam.k.width, cam.k.height, 4);
  for (int y = 0; y < cam.k.height; ++y)
    for (int x = 0; x < cam.k.width; ++x) {
      const data::Ray ray = data::camera_ray(cam, x + 0.5, y + 0.5);
      const AnalyticPixel p = scene.trace(ray.origin, ray.direction);
      for (int c = 0; c < 3; ++c) img.at(x, y, c) = float(p.opacity > 0 ? p.color[size_t(c)] / p.opacity : 0);
      img.at(x, y, 3) = float(p.opacity);
    }
  return img;
}

json matrix_rows(const std::array<double, 16>& m) {
  json rows = json::array();
  for (int r = 0; r < 4; ++r) rows.push_back({m[size_t(4 * r)], m[size_t(4 * r + 1)], m[size_t(4 * r + 2)], m[size_t(4 * r + 3)]});
  return rows;
}

void write_split(const AnalyticScene& scene, const fs::path& folder, const std::string& split,
                 const std::vector<Vec3>& positions, int size, double fov_x) {
  fs::create_directories(folder / split);
  json frames = json::array();
  data::SceneBox world;  // scale 1, offset 0: rays in world units
  world.scale = 1;
  world.offset = {0, 0, 0};
  for (size_t i = 0; i < positions.size(); ++i) {
    const auto m = look_at_origin(positions[i]);
    TransformsFrame f;
    f.matrix = m;
    f.intrinsics.camera_angle_x = fov_x;
    f.where = "analytic";
    const data::Camera cam = data::frame_camera(f, world, size, size, 1);
    const std::string name = split + "/r_" + std::to_string(i);
    write_image((folder / (name + ".png")).string(), render_rgba(scene, cam));
    frames.push_back({{"file_path", "./" + name}, {"transform_matrix", matrix_rows(m)}});
  }
  std::ofstream((folder / ("transforms_" + split + ".json")).string())
      << json{{"camera_angle_x", fov_x}, {"frames", frames}}.dump(2);
}

}  // namespace

void write_blender_scene(const AnalyticScene& scene, const std::string& folder, size_t train, size_t test, int size,
                         double fov_x) {
  write_split(scene, folder, "train", orbit_positions(train, 3.2), size, fov_x);
  write_split(scene, folder, "test", orbit_positions(test, 3.2, 0.9), size, fov_x);
}

void write_ngp_scene(const AnalyticScene& scene, const std::string& folder, const NgpSceneOptions& o) {
  const fs::path dir(folder);
  fs::create_directories(dir / "images");
  TransformsIntrinsics k;
  k.fl_x = 0.9 * o.width, k.fl_y = 0.92 * o.width, k.cx = 0.52 * o.width, k.cy = 0.48 * o.height;
  k.k1 = o.distortion.k1, k.k2 = o.distortion.k2, k.k3 = o.distortion.k3, k.p1 = o.distortion.p1, k.p2 = o.distortion.p2;
  data::SceneBox world;
  world.scale = 1;
  world.offset = {0, 0, 0};
  json frames = json::array();
  const auto positions = orbit_positions(o.views, 3.0);
  for (size_t i = 0; i < positions.size(); ++i) {
    TransformsFrame f;
    f.matrix = look_at_origin(positions[i]);
    f.intrinsics = k;
    f.where = "analytic";
    const std::string name = "images/f_" + std::to_string(i) + ".png";
    write_image((dir / name).string(), render_rgba(scene, data::frame_camera(f, world, o.width, o.height, 1)));
    frames.push_back({{"file_path", name}, {"transform_matrix", matrix_rows(f.matrix)}});
  }
  const json t = {{"fl_x", *k.fl_x}, {"fl_y", *k.fl_y}, {"cx", *k.cx}, {"cy", *k.cy}, {"w", o.width}, {"h", o.height},
                  {"k1", o.distortion.k1}, {"k2", o.distortion.k2}, {"k3", o.distortion.k3}, {"p1", o.distortion.p1},
                  {"p2", o.distortion.p2}, {"aabb_scale", o.aabb_scale}, {"scale", o.scale},
                  {"offset", {o.offset.x, o.offset.y, o.offset.z}}, {"frames", frames}};
  std::ofstream((dir / "transforms.json").string()) << t.dump(2);
}

}  // namespace nf::test
