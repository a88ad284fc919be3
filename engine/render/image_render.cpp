#include "render/image_render.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::render {
namespace {

constexpr uint32_t kGroupSize = 64;

struct CoordsPush {
  uint32_t n, stride, width, height, first, corners;
};
struct ScatterPush {
  uint32_t n, stride, first;
};

}  // namespace

ImageRenderer::ImageRenderer(gpu::Context& ctx, const fields::Field& field, uint64_t band_bytes)
    : ctx_(ctx), channels_(field.output_dims()), batch_(field.max_batch()) {
  NF_ASSERT(field.input_dims() == 2, "image rendering needs a 2D field");
  coords_ = nn::BatchBuffer(ctx, 2, batch_, "render coordinates");
  values_ = nn::BatchBuffer(ctx, channels_, batch_, "render values");
  const uint64_t limit = std::min<uint64_t>(band_bytes, ctx.info().max_storage_buffer_range);
  band_pixels_ = std::max<uint64_t>(1, limit / (sizeof(float) * channels_));
  band_ = gpu::Buffer(ctx, band_pixels_ * channels_ * sizeof(float), "render band");
  coords_program_ = gpu::Program(ctx, {"render/pixel_coords", {gpu::BindingKind::Storage}, sizeof(CoordsPush),
                                       kGroupSize, {}});
  scatter_program_ = gpu::Program(ctx, {"render/scatter_pixels", std::vector(2, gpu::BindingKind::Storage),
                                        sizeof(ScatterPush), kGroupSize, {channels_}});
}

Image ImageRenderer::render(gpu::Stream& stream, fields::Field& field, int width, int height,
                            PixelCoordinates coordinates) {
  NF_ASSERT(width > 0 && height > 0, "render size must be positive");
  Image out(width, height, int(channels_));
  const uint64_t total = uint64_t(width) * height;
  for (uint64_t band = 0; band < total; band += band_pixels_) {
    const uint64_t band_n = std::min(band_pixels_, total - band);
    gpu::CommandList& cmd = stream.begin();
    for (uint64_t first = 0; first < band_n; first += batch_) {
      const auto n = uint32_t(std::min<uint64_t>(batch_, band_n - first));
      cmd.dispatch(coords_program_, gpu::Groups::linear(n, kGroupSize), {gpu::Bind::out(coords_.buffer)},
                   CoordsPush{n, coords_.capacity, uint32_t(width), uint32_t(height), uint32_t(band + first),
                              coordinates == PixelCoordinates::Corners ? 1u : 0u});
      field.forward(cmd, coords_.view(), values_.view(), n);
      cmd.dispatch(scatter_program_, gpu::Groups::linear(n, kGroupSize),
                   {gpu::Bind::in(values_.buffer), gpu::Bind::out(band_)}, ScatterPush{n, values_.capacity, uint32_t(first)});
    }
    stream.submit();
    stream.wait();
    band_.download(out.pixels.data() + band * channels_, band_n * channels_ * sizeof(float));
  }
  return out;
}

}  // namespace nf::render
