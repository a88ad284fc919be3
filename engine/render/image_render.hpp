#pragma once
// Evaluates a 2D field at every pixel of an image of any size: pixel coordinates are generated on the GPU
// in batches of the field's capacity, and outputs gathered into an image buffer, band by band so that any
// size fits the device's buffer limits. One submission per band.
#include "core/image.hpp"
#include "fields/field.hpp"
#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "gpu/stream.hpp"

namespace nf::render {

class ImageRenderer {
 public:
  // band_bytes caps the image buffer of one band (default 64 MiB; small values exercise banding in tests).
  ImageRenderer(gpu::Context& ctx, const fields::Field& field, uint64_t band_bytes = 64ull << 20);
  Image render(gpu::Stream& stream, fields::Field& field, int width, int height, PixelCoordinates coordinates);

 private:
  gpu::Context& ctx_;
  uint32_t channels_, batch_;
  nn::BatchBuffer coords_, values_;
  gpu::Buffer band_;
  uint64_t band_pixels_;
  gpu::Program coords_program_, scatter_program_;
};

}  // namespace nf::render
