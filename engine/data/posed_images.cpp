#include "data/posed_images.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/image_io.hpp"

namespace nf::data {
namespace fs = std::filesystem;
namespace {

uint32_t pack(double r, double g, double b, double a) {
  auto q = [](double v) { return uint32_t(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); };
  return q(r) | q(g) << 8 | q(b) << 16 | q(a) << 24;
}

std::vector<uint32_t> to_rgba8(const Image& img, bool& has_alpha) {
  std::vector<uint32_t> out(img.pixel_count());
  for (size_t p = 0; p < out.size(); ++p) {
    const float* v = &img.pixels[p * size_t(img.channels)];
    const bool gray = img.channels < 3;
    const double a = img.channels == 2 ? v[1] : img.channels == 4 ? v[3] : 1.0;
    out[p] = pack(v[0], gray ? v[0] : v[1], gray ? v[0] : v[2], a);
    if ((out[p] >> 24) < 255) has_alpha = true;
  }
  return out;
}

std::string resolve_image(const fs::path& dir, const std::string& file_path) {
  const fs::path p = dir / file_path;
  std::error_code ec;
  if (!p.has_extension() || !fs::exists(p, ec)) {
    fs::path png = p;
    png += ".png";
    if (fs::exists(png, ec)) return png.string();
  }
  return p.string();
}

// The views of one transforms file: every frame, or (holdout) those whose index is or is not a multiple of
// every (keep_multiples).
std::vector<PosedView> load_views(const TransformsFile& t, const SceneBox& box, const SceneOptions& o,
                                  bool& has_alpha, uint32_t every = 0, bool keep_multiples = false) {
  std::vector<PosedView> views;
  const fs::path dir = fs::path(t.path).parent_path();
  for (size_t i = 0; i < t.frames.size(); ++i) {
    if (every && (i % every == 0) != keep_multiples) continue;
    const TransformsFrame& f = t.frames[i];
    const std::string file = resolve_image(dir, f.file_path);
    PosedView v;
    v.name = f.file_path;
    if (!o.load_images && f.intrinsics.w && f.intrinsics.h) {
      v.camera = frame_camera(f, box, *f.intrinsics.w, *f.intrinsics.h, o.downscale);
      views.push_back(std::move(v));
      continue;
    }
    Image img;
    try {
      img = read_image(file);
    } catch (const Error& e) {
      log_warning(cat(f.where, ": skipped (", e.what(), ")"));
      continue;
    }
    v.camera = frame_camera(f, box, img.width, img.height, o.downscale);
    if (o.load_images) {
      v.rgba = to_rgba8(img, has_alpha);
      if (o.downscale > 1) v.rgba = downscale_rgba(v.rgba, img.width, img.height, o.downscale);
    }
    views.push_back(std::move(v));
  }
  return views;
}

SceneBox box_of(const TransformsFile& t) { return {t.scale, t.offset, t.aabb_scale}; }

}  // namespace

uint64_t Scene::image_bytes() const {
  uint64_t b = 0;
  for (const auto* set : {&train, &test})
    for (const auto& v : *set) b += v.rgba.size() * sizeof(uint32_t);
  return b;
}

std::vector<uint32_t> downscale_rgba(const std::vector<uint32_t>& rgba, int width, int height, int factor) {
  const int w = width / factor, h = height / factor;
  std::vector<uint32_t> out(size_t(std::max(w, 0)) * size_t(std::max(h, 0)));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double sum[4] = {0, 0, 0, 0};
      for (int dy = 0; dy < factor; ++dy)
        for (int dx = 0; dx < factor; ++dx) {
          const uint32_t p = rgba[size_t(y * factor + dy) * size_t(width) + size_t(x * factor + dx)];
          const double a = double(p >> 24) / 255.0;
          for (int c = 0; c < 3; ++c) sum[c] += a * double((p >> (8 * c)) & 255u) / 255.0;
          sum[3] += a;
        }
      const double n = double(factor) * factor;
      // Colours where nothing is opaque: plain averages (their alpha is 0, so they never show).
      if (sum[3] > 0) {
        out[size_t(y) * size_t(w) + size_t(x)] = pack(sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3], sum[3] / n);
      } else {
        double plain[3] = {0, 0, 0};
        for (int dy = 0; dy < factor; ++dy)
          for (int dx = 0; dx < factor; ++dx) {
            const uint32_t p = rgba[size_t(y * factor + dy) * size_t(width) + size_t(x * factor + dx)];
            for (int c = 0; c < 3; ++c) plain[c] += double((p >> (8 * c)) & 255u) / 255.0;
          }
        out[size_t(y) * size_t(w) + size_t(x)] = pack(plain[0] / n, plain[1] / n, plain[2] / n, 0);
      }
    }
  return out;
}

Scene load_scene(const std::string& path, const SceneOptions& o) {
  if (o.downscale < 1 || o.downscale > 64) fail("scene ", path, ": --downscale must be in [1, 64], not ", o.downscale);
  std::error_code ec;
  Scene s;
  s.source = path;
  if (fs::is_directory(path, ec)) {
    for (const char* name : {"transforms_train.json", "transforms.json"})
      if (fs::exists(fs::path(path) / name, ec)) {
        s.train_file = (fs::path(path) / name).string();
        break;
      }
    if (s.train_file.empty())
      fail("scene ", path, ": a folder without transforms_train.json or transforms.json");
  } else if (fs::exists(path, ec)) {
    s.train_file = path;
  } else {
    fail("scene ", path, ": no such file or folder");
  }
  const std::string name = fs::path(s.train_file).filename().string();
  if (const size_t at = name.rfind("train"); at != std::string::npos) {
    std::string test = name;
    test.replace(at, 5, "test");
    const fs::path candidate = fs::path(s.train_file).parent_path() / test;
    if (fs::exists(candidate, ec)) s.test_file = candidate.string();
  }

  const TransformsFile train = read_transforms(s.train_file);
  s.box = box_of(train);
  if (!s.test_file.empty()) {
    const TransformsFile test = read_transforms(s.test_file);
    if (test.aabb_scale != train.aabb_scale || test.scale != train.scale || !(test.offset == train.offset))
      fail("transforms ", s.test_file, ": its aabb_scale, scale or offset differ from ", s.train_file, "'s");
    s.train = load_views(train, s.box, o, s.has_alpha);
    s.test = load_views(test, s.box, o, s.has_alpha);
    s.test_split = fs::path(s.test_file).filename().string();
  } else if (o.holdout_every > 0) {
    s.train = load_views(train, s.box, o, s.has_alpha, o.holdout_every, false);
    s.test = load_views(train, s.box, o, s.has_alpha, o.holdout_every, true);
    s.test_split = cat("frames 0, ", o.holdout_every, ", ", 2 * o.holdout_every, ", ... of ", name);
  } else {
    s.train = load_views(train, s.box, o, s.has_alpha);
    s.test_split = "none";
  }
  if (s.train.empty()) fail("transforms ", s.train_file, ": no training view could be read");
  return s;
}

}  // namespace nf::data
