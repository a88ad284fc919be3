#include "core/image.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace nf {

Image crop(const Image& img, int x0, int y0, int w, int h) {
  NF_ASSERT(x0 >= 0 && y0 >= 0 && w > 0 && h > 0 && x0 + w <= img.width && y0 + h <= img.height,
            "crop window must lie inside the image");
  Image out(w, h, img.channels);
  for (int y = 0; y < h; ++y) {
    const float* src = &img.pixels[(size_t(y0 + y) * img.width + x0) * img.channels];
    std::copy(src, src + size_t(w) * img.channels, &out.pixels[size_t(y) * w * img.channels]);
  }
  return out;
}

}  // namespace nf
