#include "core/image_metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace nf {
namespace {

void check_same_shape(const Image& a, const Image& b) {
  NF_ASSERT(a.width == b.width && a.height == b.height && a.channels == b.channels,
            "images compared by a metric must have the same width, height and channels");
  NF_ASSERT(!a.pixels.empty(), "images compared by a metric must not be empty");
}

constexpr int kWin = 11;

std::array<double, kWin> gaussian_window() {
  std::array<double, kWin> w{};
  double sum = 0.0;
  for (int i = 0; i < kWin; ++i) {
    const double d = i - kWin / 2;
    w[i] = std::exp(-d * d / (2.0 * 1.5 * 1.5));
    sum += w[i];
  }
  for (auto& v : w) v /= sum;
  return w;
}

// Separable valid-mode filter of one channel of f(x, y); out is (w-10) x (h-10).
template <class F>
std::vector<double> filter_valid(int w, int h, const std::array<double, kWin>& g, F f) {
  const int ow = w - kWin + 1, oh = h - kWin + 1;
  std::vector<double> rows(size_t(ow) * h), out(size_t(ow) * oh);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < ow; ++x) {
      double s = 0.0;
      for (int k = 0; k < kWin; ++k) s += g[k] * f(x + k, y);
      rows[size_t(y) * ow + x] = s;
    }
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x) {
      double s = 0.0;
      for (int k = 0; k < kWin; ++k) s += g[k] * rows[size_t(y + k) * ow + x];
      out[size_t(y) * ow + x] = s;
    }
  return out;
}

// Inferno-like colour map: a few control points, linearly interpolated.
std::array<double, 3> colormap(double t) {
  static constexpr double pts[][3] = {{0.001, 0.000, 0.014}, {0.258, 0.039, 0.406}, {0.578, 0.148, 0.404},
                                      {0.865, 0.317, 0.226}, {0.988, 0.645, 0.040}, {0.988, 0.998, 0.645}};
  constexpr int n = 6;
  t = std::clamp(t, 0.0, 1.0) * (n - 1);
  const int i = std::min(int(t), n - 2);
  const double f = t - i;
  return {pts[i][0] + f * (pts[i + 1][0] - pts[i][0]), pts[i][1] + f * (pts[i + 1][1] - pts[i][1]),
          pts[i][2] + f * (pts[i + 1][2] - pts[i][2])};
}

}  // namespace

Image scored_prediction(const Image& prediction, const Image& target) {
  for (float v : target.pixels)
    if (!(v >= 0.0f && v <= 1.0f)) return prediction;
  Image out = prediction;
  for (auto& v : out.pixels) v = std::clamp(v, 0.0f, 1.0f);
  return out;
}

double mse(const Image& a, const Image& b) {
  check_same_shape(a, b);
  double sum = 0.0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = double(a.pixels[i]) - double(b.pixels[i]);
    sum += d * d;
  }
  return sum / double(a.pixels.size());
}

double mse(const Image& a, const Image& b, std::span<const uint32_t> pixels) {
  check_same_shape(a, b);
  NF_ASSERT(!pixels.empty(), "an MSE over a pixel list needs at least one pixel");
  const size_t c = size_t(a.channels);
  double sum = 0.0;
  for (uint32_t p : pixels) {
    NF_ASSERT(p < a.pixel_count(), "pixel ", p, " lies outside the ", a.width, "x", a.height, " image");
    for (size_t k = p * c; k < (p + 1) * c; ++k) {
      const double d = double(a.pixels[k]) - double(b.pixels[k]);
      sum += d * d;
    }
  }
  return sum / double(pixels.size() * c);
}

namespace {
// NaN stays NaN (a prediction holding NaN must not score as a perfect one).
double psnr_of(double e) {
  if (std::isnan(e)) return e;
  return e > 0.0 ? -10.0 * std::log10(e) : std::numeric_limits<double>::infinity();
}
}  // namespace

double psnr(const Image& a, const Image& b) { return psnr_of(mse(a, b)); }

double psnr(const Image& a, const Image& b, std::span<const uint32_t> pixels) { return psnr_of(mse(a, b, pixels)); }

double ssim(const Image& a, const Image& b) {
  check_same_shape(a, b);
  NF_ASSERT(a.width >= kWin && a.height >= kWin, "SSIM needs images of at least 11x11 pixels");
  const auto g = gaussian_window();
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  double total = 0.0;
  for (int c = 0; c < a.channels; ++c) {
    auto fa = [&](int x, int y) { return double(a.at(x, y, c)); };
    auto fb = [&](int x, int y) { return double(b.at(x, y, c)); };
    const auto mu_a = filter_valid(a.width, a.height, g, fa);
    const auto mu_b = filter_valid(a.width, a.height, g, fb);
    const auto aa = filter_valid(a.width, a.height, g, [&](int x, int y) { return fa(x, y) * fa(x, y); });
    const auto bb = filter_valid(a.width, a.height, g, [&](int x, int y) { return fb(x, y) * fb(x, y); });
    const auto ab = filter_valid(a.width, a.height, g, [&](int x, int y) { return fa(x, y) * fb(x, y); });
    double sum = 0.0;
    for (size_t i = 0; i < mu_a.size(); ++i) {
      const double va = aa[i] - mu_a[i] * mu_a[i], vb = bb[i] - mu_b[i] * mu_b[i];
      const double cov = ab[i] - mu_a[i] * mu_b[i];
      sum += ((2 * mu_a[i] * mu_b[i] + c1) * (2 * cov + c2)) /
             ((mu_a[i] * mu_a[i] + mu_b[i] * mu_b[i] + c1) * (va + vb + c2));
    }
    total += sum / double(mu_a.size());
  }
  return total / a.channels;
}

Image error_map(const Image& a, const Image& b, double max_error) {
  check_same_shape(a, b);
  Image out(a.width, a.height, 3);
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x) {
      double e = 0.0;
      for (int c = 0; c < a.channels; ++c) e += std::abs(double(a.at(x, y, c)) - double(b.at(x, y, c)));
      const auto rgb = colormap(e / a.channels / max_error);
      for (int c = 0; c < 3; ++c) out.at(x, y, c) = float(rgb[c]);
    }
  return out;
}

Image color_mapped(const Image& values, double lo, double hi) {
  Image out(values.width, values.height, 3);
  const double span = hi > lo ? hi - lo : 1.0;
  for (size_t p = 0; p < values.pixel_count(); ++p) {
    const auto rgb = colormap((double(values.pixels[p * size_t(values.channels)]) - lo) / span);
    for (int c = 0; c < 3; ++c) out.pixels[p * 3 + size_t(c)] = float(rgb[size_t(c)]);
  }
  return out;
}

}  // namespace nf
