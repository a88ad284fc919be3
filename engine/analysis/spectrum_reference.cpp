// Slow, obvious reference of the FreSh spectrum (double precision): antialiased resize, then a direct
// 2D DFT of every cell that FreSh's mask keeps.
#include <cmath>
#include <complex>
#include <numbers>

#include "analysis/spectrum.hpp"

namespace nf::analysis {
namespace {

// Normalised triangle-filter weights of output sample o along an axis of `size` inputs (to n outputs).
std::vector<std::pair<int, double>> resize_taps(int o, int size, int n) {
  const double scale = double(size) / n, support = std::max(scale, 1.0);
  const double center = (o + 0.5) * scale;
  const int lo = std::max(int(center - support + 0.5), 0);
  const int hi = std::min(int(center + support + 0.5), size);
  std::vector<std::pair<int, double>> taps;
  double sum = 0;
  for (int x = lo; x < hi; ++x) {
    const double w = std::max(0.0, 1.0 - std::abs((x - center + 0.5) / support));
    taps.emplace_back(x, w);
    sum += w;
  }
  for (auto& t : taps) t.second /= sum;
  return taps;
}

bool in_mask(int r, int c, int n) {
  const int b = r + c, h = n / 2;
  if (b <= n - 1) return !((r == 0 && c > h) || (c == 0 && r > h));
  if (b == n) return r >= 1 && r <= h;
  return false;
}

}  // namespace

std::vector<double> spectrum_reference(const Image& image, uint32_t bins) {
  const int n = spectrum_side(image.width, image.height), channels = image.channels;
  // square[ch][y][x]
  std::vector<double> square(size_t(channels) * n * n, 0.0);
  for (int oy = 0; oy < n; ++oy) {
    const auto ty = resize_taps(oy, image.height, n);
    for (int ox = 0; ox < n; ++ox) {
      const auto tx = resize_taps(ox, image.width, n);
      for (int ch = 0; ch < channels; ++ch) {
        double v = 0;
        for (const auto& [y, wy] : ty)
          for (const auto& [x, wx] : tx) v += wy * wx * image.at(x, y, ch);
        square[(size_t(ch) * n + oy) * n + ox] = v;
      }
    }
  }
  std::vector<std::complex<double>> twiddle(n);  // exp(-2 pi i k / n)
  for (int k = 0; k < n; ++k) twiddle[k] = std::polar(1.0, -2.0 * std::numbers::pi * k / n);
  std::vector<double> out(bins, 0.0);
  for (uint32_t d = 1; d <= bins; ++d) {
    for (int r = 0; r <= int(d); ++r) {
      const int c = int(d) - r;
      if (r >= n || c >= n || !in_mask(r, c, n)) continue;
      for (int ch = 0; ch < channels; ++ch) {
        std::complex<double> f = 0;
        for (int y = 0; y < n; ++y)
          for (int x = 0; x < n; ++x) f += square[(size_t(ch) * n + y) * n + x] * twiddle[(r * y + c * x) % n];
        out[d - 1] += std::abs(f);
      }
    }
  }
  return out;
}

}  // namespace nf::analysis
