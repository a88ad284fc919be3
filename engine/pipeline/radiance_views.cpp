#include "pipeline/radiance_views.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "io/image_io.hpp"

namespace nf::pipeline {

namespace {
const char* const kViewNames[] = {"rgb", "depth", "opacity", "samples"};
}

RadianceView parse_radiance_view(const std::string& name) {
  for (int i = 0; i < 4; ++i)
    if (name == kViewNames[i]) return RadianceView(i);
  fail("view '", name, "': radiance fields show rgb, depth, opacity or samples");
}

const char* radiance_view_name(RadianceView view) {
  return kViewNames[int(view)];
}

ViewImage radiance_view_image(const RadianceRender& r, RadianceView view, double scene_scale) {
  if (view == RadianceView::Rgb) return {r.rgb, 0, 1};
  if (view == RadianceView::Opacity) return {r.opacity, 0, 1};
  if (view == RadianceView::Samples) {
    const float hi = std::max(1.0f, *std::max_element(r.samples.pixels.begin(), r.samples.pixels.end()));
    return {color_mapped(r.samples, 0, hi), 0, hi};
  }
  Image d(r.depth.width, r.depth.height, 1);
  std::vector<float> hit;
  for (size_t p = 0; p < d.pixels.size(); ++p) {
    const float o = r.opacity.pixels[p];
    d.pixels[p] = o > 0.5f ? float(r.depth.pixels[p] / o / scene_scale) : 0.0f;
    if (o > 0.5f) hit.push_back(d.pixels[p]);
  }
  if (hit.empty()) return {color_mapped(d, 0, 1), 0, 1};
  std::sort(hit.begin(), hit.end());
  const double lo = hit[hit.size() / 50],
               hi = std::max<double>(hit[hit.size() - 1 - hit.size() / 50], lo + 1e-6);
  for (size_t p = 0; p < d.pixels.size(); ++p)
    if (r.opacity.pixels[p] <= 0.5f) d.pixels[p] = float(hi);  // misses show as far
  return {color_mapped(d, lo, hi), lo, hi};
}

data::Camera resized_camera(data::Camera c, int width, int height) {
  if (!width && !height) return c;
  const double sx = width ? double(width) / c.k.width : double(height) / c.k.height;
  const double sy = height ? double(height) / c.k.height : sx;
  c.k.fx *= sx, c.k.cx *= sx, c.k.fy *= sy, c.k.cy *= sy;
  c.k.width = width ? width : int(std::lround(c.k.width * sx));
  c.k.height = height ? height : int(std::lround(c.k.height * sy));
  if (uint64_t(c.k.width) * uint64_t(c.k.height) > uint64_t(kMaxImagePixels))
    fail("render size ", c.k.width, "x", c.k.height, " is too large (at most ", kMaxImagePixels, " pixels)");
  return c;
}

SceneFrame scene_frame(const RadianceSceneInfo& s) {
  const auto& cams = s.train_cameras.empty() ? s.test_cameras : s.train_cameras;
  SceneFrame f;
  f.centre = s.box.to_scene({0, 0, 0});
  f.up = {0, 0, 0};
  for (const auto& c : cams) f.up += Vec3{c.c2w[1], c.c2w[5], c.c2w[9]};
  f.up = length(f.up) > 0 ? f.up / length(f.up) : Vec3{0, 0, 1};
  double radius = 0, height = 0;
  for (const auto& c : cams) {
    const Vec3 d = c.position() - f.centre;
    radius += length(d) / double(cams.size());
    height += dot(d, f.up) / double(cams.size());
  }
  f.radius = radius > 0 ? radius : 1;
  f.elevation = std::asin(std::clamp(height / f.radius, -0.99, 0.99));
  return f;
}

data::Camera look_at(const Vec3& eye, const Vec3& target, const Vec3& up, const data::CameraIntrinsics& k) {
  const Vec3 back = (eye - target) / length(eye - target);
  Vec3 right = cross(up, back);
  if (length(right) < 1e-9) right = cross(std::abs(back.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0}, back);
  right = right / length(right);
  const Vec3 u = cross(back, right);
  data::Camera c;
  c.k = k;
  c.c2w = {right.x, u.x, back.x, eye.x, right.y, u.y, back.y, eye.y, right.z, u.z, back.z, eye.z};
  return c;
}

std::vector<data::Camera> orbit_cameras(const RadianceSceneInfo& s, uint32_t n) {
  const SceneFrame f = scene_frame(s);
  Vec3 e1 = cross(f.up, std::abs(f.up.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0});
  e1 = e1 / length(e1);
  const Vec3 e2 = cross(f.up, e1);
  const auto& k = (s.test_cameras.empty() ? s.train_cameras : s.test_cameras).front().k;
  std::vector<data::Camera> out;
  for (uint32_t i = 0; i < n; ++i) {
    const double th = 2 * M_PI * i / n;
    const Vec3 p = f.centre + (e1 * std::cos(th) + e2 * std::sin(th)) * (f.radius * std::cos(f.elevation)) +
                   f.up * (f.radius * std::sin(f.elevation));
    out.push_back(look_at(p, f.centre, f.up, k));
  }
  return out;
}

}  // namespace nf::pipeline
