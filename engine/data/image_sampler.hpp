#pragma once
// A target image on the GPU and the per-step pixel batches drawn from it on the GPU:
//   Random: pixel of sample i is uniform with replacement, from (seed, step, i) (core/rng.hpp's hash);
//   All:    sample i is pixel i (row-major), so a step of width x height samples sees every pixel once;
//           with a stride k > 1 only pixels whose coordinates are multiples of k (CAM's "generalization"
//           task: train on a subsampled grid, evaluate on every pixel).
#include "core/image.hpp"
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
               Mode mode = Mode::Random, uint32_t stride = 1);

  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }

  // Samples of one step in All mode (every pixel of the strided grid).
  uint64_t pixels() const { return uint64_t(grid_width()) * grid_height(); }
  uint32_t grid_width() const { return (uint32_t(width_) + stride_ - 1) / stride_; }
  uint32_t grid_height() const { return (uint32_t(height_) + stride_ - 1) / stride_; }

  // Records x (2 dims) and target (channels dims) for samples [first, first + n) of this step, written to
  // rows [0, n) of the views.
  void sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
              const nn::BatchView& target, uint32_t first = 0);

 private:
  int width_, height_, channels_;
  PixelCoordinates coordinates_;
  Mode mode_;
  uint32_t stride_;
  gpu::Buffer image_;
  gpu::Program program_;
};

}  // namespace nf::data
