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
#include "pipeline/radiance_views.hpp"

namespace nf::cli {
namespace fs = std::filesystem;
namespace {

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

}  // namespace

void run_render_radiance(const RadianceRenderArgs& a, const Snapshot& snap) {
  const pipeline::RadianceView view = pipeline::parse_radiance_view(a.view);
  gpu::Context ctx(a.gpu.context_options());
  auto e = pipeline::RadianceExperiment::from_snapshot(ctx, snap, a.snapshot, nullptr);
  const auto& s = e->scene();
  const data::Background bg = a.background.empty() ? e->eval_background() : data::Background::parse(a.background);
  if (bg.random) fail("--background: renders take a fixed colour");
  std::vector<data::Camera> cameras;
  std::vector<std::string> names;
  if (a.orbit) {
    cameras = pipeline::orbit_cameras(s, a.orbit);
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
    const auto r = e->render(pipeline::resized_camera(cameras[i], a.width, a.height), bg);
    const std::string out = a.orbit ? (fs::path(a.out) / names[i]).string() : a.out;
    const auto shown = pipeline::radiance_view_image(r, view, s.box.scale);
    write_image(out, shown.image);
    if (i == 0 && view == pipeline::RadianceView::Depth)
      std::printf("depth (world units): %.3f (dark) to %.3f (bright)\n", shown.lo, shown.hi);
    if (i == 0 && view == pipeline::RadianceView::Samples)
      std::printf("samples per ray: 0 (dark) to %.0f (bright)\n", shown.hi);
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
