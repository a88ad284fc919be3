#pragma once
// The views of a posed-image dataset on the GPU (8-bit RGBA pixels and cameras) and the rays drawn from them
// on the GPU (shaders/radiance/sample_rays.comp): random pixels of every view for training, or the pixels of
// one view in order for rendering it.
#include <array>
#include <optional>
#include <vector>

#include "data/posed_images.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::data {

// Rows of a ray batch (RaySampler output): origin, unit direction (scene coordinates), target colour
// composited on the background, background colour, target alpha.
struct RayRows {
  static constexpr uint32_t kOrigin = 0, kDirection = 3, kTarget = 6, kBackground = 9, kAlpha = 12, kCount = 13;
};

// What rays are composited on: a random colour per ray (training on images with alpha, as instant-ngp) or a
// fixed colour.
struct Background {
  bool random = false;
  std::array<float, 3> color{1, 1, 1};
  // "random", "white", "black" or "R,G,B" (each in [0, 1]); throws naming the value otherwise.
  static Background parse(const std::string& text);
  std::string name() const;
};

// The cameras of a set of views as shaders/include/camera.glsl reads them (7 vec4s each); pixel offsets are
// the running sums of the views' pixel counts.
std::vector<float> gpu_cameras(const std::vector<Camera>& cameras);

class RaySampler {
 public:
  // Uploads the views' cameras and, when they have them, their images (name: for errors). Fails naming the
  // scene when the images exceed the device's storage-buffer range (use --downscale).
  RaySampler(gpu::Context& ctx, const std::vector<PosedView>& views, const std::string& name);

  uint32_t views() const { return views_; }
  uint64_t pixels() const { return pixels_; }
  uint64_t image_bytes() const { return images_.size(); }
  const std::vector<Camera>& cameras() const { return cameras_; }

  // Replaces the camera of a one-view sampler without images (renders of any camera); waits for the upload.
  void set_camera(const Camera& camera);

  // Records n random rays for (seed, step) into rows [0, n) of rays (RayRows::kCount rows).
  void sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const Background& bg,
              const nn::BatchView& rays);
  // Records the rays of pixels [first, first + n) of view `view` (row-major) on background bg (not random).
  void view_rays(gpu::CommandList& cmd, uint32_t view, uint32_t first, uint32_t n, const Background& bg,
                 const nn::BatchView& rays);

 private:
  void record(gpu::CommandList& cmd, uint32_t view, uint32_t first, uint32_t seed, uint32_t step, uint32_t n,
              const Background& bg, const nn::BatchView& rays);

  uint32_t views_ = 0;
  uint64_t pixels_ = 0;
  std::vector<Camera> cameras_;
  gpu::Buffer cameras_buffer_, images_;
  gpu::Program program_;
};

}  // namespace nf::data
