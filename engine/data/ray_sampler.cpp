#include "data/ray_sampler.hpp"

#include <bit>
#include <cstdlib>
#include <sstream>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::data {
namespace {

constexpr uint32_t kGroupSize = 64;
constexpr uint32_t kCameraFloats = 28;

struct Push {
  float bg[4];
  uint32_t n, stride, seed, step;
  uint32_t pixels, views, view, first;
  uint32_t random_bg;
};

}  // namespace

Background Background::parse(const std::string& text) {
  Background b;
  if (text == "random") b.random = true;
  else if (text == "white") b.color = {1, 1, 1};
  else if (text == "black") b.color = {0, 0, 0};
  else {
    std::istringstream s(text);
    char c1 = 0, c2 = 0;
    if (!(s >> b.color[0] >> c1 >> b.color[1] >> c2 >> b.color[2]) || c1 != ',' || c2 != ',' || !s.eof())
      fail("background \"", text, "\": expected random, white, black or R,G,B");
    for (float v : b.color)
      if (!(v >= 0 && v <= 1)) fail("background \"", text, "\": colour components must be in [0, 1]");
  }
  return b;
}

std::string Background::name() const {
  if (random) return "random";
  if (color == std::array<float, 3>{1, 1, 1}) return "white";
  if (color == std::array<float, 3>{0, 0, 0}) return "black";
  return cat(color[0], ",", color[1], ",", color[2]);
}

std::vector<float> gpu_cameras(const std::vector<Camera>& cameras) {
  std::vector<float> out(cameras.size() * kCameraFloats, 0.0f);
  uint32_t offset = 0;
  for (size_t i = 0; i < cameras.size(); ++i) {
    const Camera& c = cameras[i];
    float* f = out.data() + i * kCameraFloats;
    const float v[12] = {float(c.k.fx), float(c.k.fy), float(c.k.cx), float(c.k.cy),
                         float(c.k.distortion.k1), float(c.k.distortion.k2), float(c.k.distortion.k3),
                         float(c.k.distortion.p1), float(c.k.distortion.p2), float(c.k.width), float(c.k.height),
                         std::bit_cast<float>(offset)};
    std::copy(v, v + 12, f);
    for (int k = 0; k < 12; ++k) f[12 + k] = float(c.c2w[size_t(k)]);
    offset += uint32_t(c.k.width) * uint32_t(c.k.height);
  }
  return out;
}

RaySampler::RaySampler(gpu::Context& ctx, const std::vector<PosedView>& views, const std::string& name)
    : views_(uint32_t(views.size())) {
  NF_ASSERT(!views.empty(), "a ray sampler needs at least one view");
  for (const auto& v : views) {
    cameras_.push_back(v.camera);
    pixels_ += uint64_t(v.camera.k.width) * uint64_t(v.camera.k.height);
  }
  if (pixels_ >= (1ull << 32)) fail("scene ", name, ": ", pixels_, " pixels are too many (at most 2^32; use --downscale)");
  const bool with_images = !views.front().rgba.empty();
  const uint64_t bytes = with_images ? pixels_ * 4 : 4;
  if (bytes > ctx.info().max_storage_buffer_range)
    fail("scene ", name, ": its images take ", bytes >> 20, " MiB, more than this device's storage buffers hold (",
         ctx.info().max_storage_buffer_range >> 20, " MiB); load them reduced with --downscale");
  images_ = gpu::Buffer(ctx, bytes, "scene images");
  if (with_images) {
    uint64_t at = 0;
    for (const auto& v : views) {
      NF_ASSERT(v.rgba.size() == size_t(v.camera.k.width) * size_t(v.camera.k.height), "view ", v.name,
                ": its pixels do not match its camera");
      images_.upload(std::span<const uint32_t>(v.rgba), at);
      at += v.rgba.size() * 4;
    }
  }
  const auto cams = gpu_cameras(cameras_);
  cameras_buffer_ = gpu::Buffer(ctx, cams.size() * 4, "scene cameras");
  cameras_buffer_.upload(std::span<const float>(cams));
  program_ = gpu::Program(ctx, {"radiance/sample_rays", std::vector(3, gpu::BindingKind::Storage), sizeof(Push),
                                kGroupSize});
}

void RaySampler::set_camera(const Camera& camera) {
  NF_ASSERT(views_ == 1 && images_.size() == 4, "set_camera() is for one-view samplers without images");
  cameras_ = {camera};
  pixels_ = uint64_t(camera.k.width) * uint64_t(camera.k.height);
  const auto cams = gpu_cameras(cameras_);
  cameras_buffer_.upload(std::span<const float>(cams));
}

void RaySampler::sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const Background& bg,
                        const nn::BatchView& rays) {
  record(cmd, 0xffffffffu, 0, seed, step, n, bg, rays);
}

void RaySampler::view_rays(gpu::CommandList& cmd, uint32_t view, uint32_t first, uint32_t n, const Background& bg,
                           const nn::BatchView& rays) {
  NF_ASSERT(view < views_, "view ", view, " of ", views_);
  NF_ASSERT(!bg.random, "view rays take a fixed background");
  record(cmd, view, first, 0, 0, n, bg, rays);
}

void RaySampler::record(gpu::CommandList& cmd, uint32_t view, uint32_t first, uint32_t seed, uint32_t step,
                        uint32_t n, const Background& bg, const nn::BatchView& rays) {
  NF_ASSERT(rays.dims == RayRows::kCount && n <= rays.stride, "ray batch: ", RayRows::kCount, " rows of >= n samples");
  if (n == 0) return;
  Push p{{bg.color[0], bg.color[1], bg.color[2], 0}, n, rays.stride, seed, step, uint32_t(pixels_), views_, view,
         first, bg.random ? 1u : 0u};
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(cameras_buffer_), gpu::Bind::in(images_), gpu::Bind::out(*rays.buffer)}, p);
}

}  // namespace nf::data
