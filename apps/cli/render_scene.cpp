#include "render_scene.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "io/image_io.hpp"
#include "io/transforms.hpp"
#include "output.hpp"
#include "pipeline/radiance_fit.hpp"

namespace nf::cli {
namespace fs = std::filesystem;
namespace {

// A camera with intrinsics rescaled to width x height (0: unchanged).
data::Camera resized(data::Camera c, int width, int height) {
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

// The cameras of an orbit: n positions on a circle around the point the training cameras look at, at their
// mean distance and elevation about their mean up direction, with the first test (or training) camera's
// intrinsics.
std::vector<data::Camera> orbit_cameras(const pipeline::RadianceSceneInfo& s, uint32_t n) {
  const auto& cams = s.train_cameras.empty() ? s.test_cameras : s.train_cameras;
  Vec3 up{0, 0, 0}, centre = s.box.to_scene({0, 0, 0});
  for (const auto& c : cams) up += Vec3{c.c2w[1], c.c2w[5], c.c2w[9]};
  up = up / length(up);
  double radius = 0, height = 0;
  for (const auto& c : cams) {
    const Vec3 d = c.position() - centre;
    radius += length(d) / double(cams.size());
    height += dot(d, up) / double(cams.size());
  }
  const double el = std::asin(std::clamp(height / radius, -0.99, 0.99));
  Vec3 e1 = cross(up, std::abs(up.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0});
  e1 = e1 / length(e1);
  const Vec3 e2 = cross(up, e1);
  std::vector<data::Camera> out;
  for (uint32_t k = 0; k < n; ++k) {
    const double th = 2 * M_PI * k / n;
    const Vec3 p = centre + (e1 * std::cos(th) + e2 * std::sin(th)) * (radius * std::cos(el)) + up * (radius * std::sin(el));
    const Vec3 back = (p - centre) / length(p - centre);
    Vec3 right = cross(up, back);
    right = right / length(right);
    const Vec3 u = cross(back, right);
    data::Camera c = s.test_cameras.empty() ? cams.front() : s.test_cameras.front();
    c.c2w = {right.x, u.x, back.x, p.x, right.y, u.y, back.y, p.y, right.z, u.z, back.z, p.z};
    out.push_back(c);
  }
  return out;
}

// One frame of a transforms file (in the snapshot's scene frame): its camera at its image's size.
data::Camera file_camera(const std::string& path, int frame, const pipeline::RadianceSceneInfo& s) {
  const TransformsFile t = read_transforms(path);
  if (t.scale != s.box.scale || !(t.offset == s.box.offset) || t.aabb_scale != s.box.aabb_scale)
    fail("camera ", path, ": its scale, offset or aabb_scale differ from the snapshot's scene (", s.source, ")");
  if (frame < 0 || size_t(frame) >= t.frames.size())
    fail("camera ", path, ": no frame ", frame, " (it has ", t.frames.size(), ")");
  const TransformsFrame& f = t.frames[size_t(frame)];
  int w = f.intrinsics.w.value_or(0), h = f.intrinsics.h.value_or(0);
  if (!w || !h) {  // Blender files: the size is the image's
    data::SceneOptions o;
    o.holdout_every = 0;
    const auto scene = data::load_scene(path, o);
    for (const auto& v : scene.train)
      if (v.name == f.file_path) return v.camera;
    fail("camera ", path, ": frame ", frame, " (", f.file_path, "): its image could not be read for its size; give w and h");
  }
  return data::frame_camera(f, s.box, w, h, 1);
}

// The image a view asks for; depth as a colour map over the opaque pixels' range (printed).
Image view_image(const pipeline::RadianceRender& r, const std::string& view, double scale) {
  if (view == "rgb") return r.rgb;
  if (view == "opacity") return r.opacity;
  if (view == "samples") {
    const float hi = *std::max_element(r.samples.pixels.begin(), r.samples.pixels.end());
    std::printf("samples per ray: 0 (dark) to %.0f (bright)\n", double(hi));
    return color_mapped(r.samples, 0, std::max(1.0f, hi));
  }
  // Depth along the ray in world units: the expected depth over the opacity where something is hit.
  Image d(r.depth.width, r.depth.height, 1);
  std::vector<float> hit;
  for (size_t p = 0; p < d.pixels.size(); ++p) {
    const float o = r.opacity.pixels[p];
    d.pixels[p] = o > 0.5f ? float(r.depth.pixels[p] / o / scale) : 0.0f;
    if (o > 0.5f) hit.push_back(d.pixels[p]);
  }
  if (hit.empty()) return color_mapped(d, 0, 1);
  std::sort(hit.begin(), hit.end());
  const double lo = hit[hit.size() / 50], hi = hit[hit.size() - 1 - hit.size() / 50];
  for (size_t p = 0; p < d.pixels.size(); ++p)
    if (r.opacity.pixels[p] <= 0.5f) d.pixels[p] = float(hi);  // misses show as far
  std::printf("depth (world units): %.3f (dark) to %.3f (bright)\n", lo, hi);
  return color_mapped(d, lo, hi);
}

}  // namespace

void run_render_radiance(const RadianceRenderArgs& a, const Snapshot& snap) {
  if (a.view != "rgb" && a.view != "depth" && a.view != "opacity" && a.view != "samples")
    fail("--view ", a.view, ": radiance snapshots render rgb, depth, opacity or samples");
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::RadianceExperiment::from_snapshot(ctx, snap, a.snapshot, nullptr);
  const auto& s = e->scene();
  const data::Background bg = a.background.empty() ? e->eval_background() : data::Background::parse(a.background);
  if (bg.random) fail("--background: renders take a fixed colour");
  std::vector<data::Camera> cameras;
  std::vector<std::string> names;
  if (a.orbit) {
    cameras = orbit_cameras(s, a.orbit);
    for (uint32_t k = 0; k < a.orbit; ++k) names.push_back(cat("frame_", k < 10 ? "00" : k < 100 ? "0" : "", k, ".png"));
    fs::create_directories(a.out);
  } else if (!a.camera_file.empty()) {
    cameras = {file_camera(a.camera_file, a.frame, s)};
  } else if (a.train_view >= 0) {
    if (size_t(a.train_view) >= s.train_cameras.size()) fail("--train-view ", a.train_view, ": the scene has ", s.train_cameras.size());
    cameras = {s.train_cameras[size_t(a.train_view)]};
  } else {
    const int k = std::max(a.test_view, 0);
    const auto& list = s.test_cameras.empty() ? s.train_cameras : s.test_cameras;
    if (size_t(k) >= list.size()) fail("--test-view ", k, ": the scene has ", list.size(), " test views");
    cameras = {list[size_t(k)]};
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < cameras.size(); ++i) {
    const auto r = e->render(resized(cameras[i], a.width, a.height), bg);
    const std::string out = a.orbit ? (fs::path(a.out) / names[i]).string() : a.out;
    write_image(out, view_image(r, a.view, s.box.scale));
    if (!a.orbit)
      std::printf("rendered %dx%d (%s, %.1f samples a ray) -> %s\n", r.rgb.width, r.rgb.height, a.view.c_str(),
                  double(r.marched_samples) / double(r.rays), out.c_str());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (a.orbit)
    std::printf("rendered an orbit of %u frames (%s) in %.1f s -> %s/frame_*.png\n", a.orbit, a.view.c_str(), secs,
                a.out.c_str());
}

void run_eval_radiance(const RadianceEvalArgs& a, const Snapshot& snap) {
  data::SceneOptions o;
  o.holdout_every = 0;  // every frame of the reference is scored
  o.downscale = a.downscale;
  const data::Scene ref = data::load_scene(a.reference, o);
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::RadianceExperiment::from_snapshot(ctx, snap, a.snapshot, nullptr);
  const auto& box = e->scene().box;
  if (ref.box.scale != box.scale || !(ref.box.offset == box.offset) || ref.box.aabb_scale != box.aabb_scale)
    fail("reference ", a.reference, ": its scale, offset or aabb_scale differ from the snapshot's scene");
  const auto eval = pipeline::evaluate_views(*e, ref.train, !a.renders.empty());
  json views = json::object();
  for (size_t i = 0; i < eval.views.size(); ++i) {
    views[eval.views[i].name] = {{"psnr", eval.views[i].psnr}, {"ssim", eval.views[i].ssim}};
    if (!a.renders.empty()) {
      fs::create_directories(a.renders);
      const std::string stem = fs::path(eval.views[i].name).stem().string();
      write_image((fs::path(a.renders) / (stem + ".png")).string(), eval.renders[i].rgb);
      write_image((fs::path(a.renders) / (stem + "_error.png")).string(),
                  error_map(eval.renders[i].rgb, eval.targets[i], 0.1));
    }
  }
  std::printf("psnr %.3f dB  ssim %.4f  (%zu views of %s, background %s, %.1f s)\n", eval.psnr, eval.ssim,
              eval.views.size(), a.reference.c_str(), e->eval_background().name().c_str(), eval.seconds);
  if (!a.out.empty())
    write_json(a.out, {{"psnr", eval.psnr},
                       {"ssim", eval.ssim},
                       {"views", views},
                       {"snapshot", a.snapshot},
                       {"reference", a.reference},
                       {"background", e->eval_background().name()},
                       {"seconds", eval.seconds},
                       {"device", ctx.info().name}});
}

}  // namespace nf::cli
