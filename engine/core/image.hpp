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

// The w x h window of img whose top-left corner is (x0, y0); must lie inside img.
Image crop(const Image& img, int x0, int y0, int w, int h);

}  // namespace nf
