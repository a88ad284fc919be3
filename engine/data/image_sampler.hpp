#pragma once
// A target image on the GPU and the per-step pixel batches drawn from it on the GPU:
//   Random: pixel of sample i is uniform with replacement, from (seed, step, i) (core/rng.hpp's hash);
//   All:    sample i is training pixel i (row-major), so a step of pixels() samples sees each once.
// The training pixels are every pixel, or the train list of a PixelSplit (data/pixel_split.hpp): a
// strided grid or a held-out set never reaches the batches.
#include "core/image.hpp"
#include "data/pixel_split.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::data {

class ImageSampler {
 public:
  // Throws naming `name` when the image does not fit the device's storage-buffer limit.
  enum class Mode : uint32_t { Random = 0, All = 1 };

  ImageSampler(gpu::Context& ctx, const Image& target, const std::string& name, PixelCoordinates coordinates,
               Mode mode = Mode::Random, const PixelSplit& split = {});

  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }

  // Training pixels: the samples of one step in All mode.
  uint64_t pixels() const { return pixels_count_; }

  // Records x (2 dims) and target (channels dims) for samples [first, first + n) of this step, written to
  // rows [0, n) of the views.
  void sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
              const nn::BatchView& target, uint32_t first = 0);

 private:
  int width_, height_, channels_;
  PixelCoordinates coordinates_;
  Mode mode_;
  uint32_t listed_;      // training pixels in pixels_ (0: every pixel trains, pixels_ is unused)
  uint64_t pixels_count_;
  gpu::Buffer image_, pixels_;
  gpu::Program program_;
};

}  // namespace nf::data
