#pragma once
// A target image on the GPU and the per-step random pixel batches drawn from it (on the GPU, from
// (seed, step, i) with core/rng.hpp's hash, uniform with replacement).
#include "core/image.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::data {

class ImageSampler {
 public:
  // Throws naming `name` when the image does not fit the device's storage-buffer limit.
  ImageSampler(gpu::Context& ctx, const Image& target, const std::string& name, PixelCoordinates coordinates);

  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }

  // Records: x (2 dims) and target (channels dims) for samples [0, n) of this step.
  void sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
              const nn::BatchView& target);

 private:
  int width_, height_, channels_;
  PixelCoordinates coordinates_;
  gpu::Buffer image_;
  gpu::Program program_;
};

}  // namespace nf::data
