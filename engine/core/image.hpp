#pragma once
// A CPU image: float samples, row-major from the top row down (y down, as stored in files), channels
// interleaved. 8- and 16-bit files are normalised to [0,1]; float (EXR) files keep their values.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nf {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;  // width * height * channels

  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(size_t(w) * h * c, 0.0f) {}

  size_t pixel_count() const { return size_t(width) * height; }
  float& at(int x, int y, int c) { return pixels[(size_t(y) * width + x) * channels + c]; }
  float at(int x, int y, int c) const { return pixels[(size_t(y) * width + x) * channels + c]; }
};

// How pixel (px, py) maps to the field's [-1,1]^2 (see shaders/include/pixel.glsl):
// Centers: ((2 px + 1) / w - 1, (2 py + 1) / h - 1); Corners: (2 px / (w - 1) - 1, 2 py / (h - 1) - 1),
// the torch.linspace grid of the official GNF code. py = 0 is the top row.
enum class PixelCoordinates { Centers, Corners };

// The w x h window of img whose top-left corner is (x0, y0); must lie inside img.
Image crop(const Image& img, int x0, int y0, int w, int h);

}  // namespace nf
