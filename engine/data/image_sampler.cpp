#include "data/image_sampler.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::data {
namespace {

constexpr uint32_t kGroupSize = 64;

struct SamplePush {
  uint32_t n, stride, width, height, seed, step, corners, first, all, listed;
};

}  // namespace

ImageSampler::ImageSampler(gpu::Context& ctx, const Image& target, const std::string& name,
                           PixelCoordinates coordinates, Mode mode, const PixelSplit& split)
    : width_(target.width),
      height_(target.height),
      channels_(target.channels),
      coordinates_(coordinates),
      mode_(mode),
      listed_(uint32_t(split.train.size())),
      pixels_count_(split.training_pixels(target.width, target.height)) {
  NF_ASSERT(split.train.empty() || split.train.back() < uint64_t(width_) * uint64_t(height_),
            "image sampler: the split's pixel ", split.train.back(), " lies outside the ", width_, "x", height_, " image");
  const uint64_t bytes = uint64_t(target.pixels.size()) * sizeof(float);
  if (bytes > ctx.info().max_storage_buffer_range)
    fail("image ", name, ": ", target.width, "x", target.height, "x", target.channels, " floats need ",
         bytes >> 20, " MiB on the GPU, above the ", ctx.info().max_storage_buffer_range >> 20,
         " MiB storage-buffer limit of ", ctx.info().name, "; crop or downscale it");
  image_ = gpu::Buffer(ctx, bytes, "target image");
  image_.upload(std::span<const float>(target.pixels));
  pixels_ = gpu::Buffer(ctx, split.train.size() * sizeof(uint32_t), "training pixels");
  if (listed_) pixels_.upload(std::span<const uint32_t>(split.train));
  program_ = gpu::Program(ctx, {"data/sample_pixels", std::vector(4, gpu::BindingKind::Storage), sizeof(SamplePush),
                                kGroupSize, {uint32_t(channels_)}});
}

void ImageSampler::sample(gpu::CommandList& cmd, uint32_t seed, uint32_t step, uint32_t n, const nn::BatchView& x,
                          const nn::BatchView& target, uint32_t first) {
  NF_ASSERT(mode_ == Mode::Random || uint64_t(first) + n <= pixels(), "sampling every training pixel: samples [", first, ", ",
            first + n, ") beyond the image's ", pixels());
  NF_ASSERT(x.dims == 2 && target.dims == uint32_t(channels_) && x.stride == target.stride,
            "image sampler: wrong batch shapes");
  const SamplePush push{n, x.stride, uint32_t(width_), uint32_t(height_), seed, step,
                        coordinates_ == PixelCoordinates::Corners ? 1u : 0u, first, uint32_t(mode_), listed_};
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(image_), gpu::Bind::in(pixels_), gpu::Bind::out(*x.buffer), gpu::Bind::out(*target.buffer)},
               push);
}

}  // namespace nf::data
