#include "sdf_view.hpp"

#include <algorithm>
#include <cmath>

#include "viewport_pipeline.hpp"

namespace nf::viewer {
namespace {

constexpr double kDegreesPerPixel = 0.4, kMaxElevation = 85, kZoomStep = 0.85, kMinDistance = 0.3,
                 kMaxDistance = 12;

float mix(float a, float b, float t) {
  return a + (b - a) * t;
}

}  // namespace

void orbit(render::OrbitCamera& camera, float dx, float dy) {
  camera.azimuth_deg = std::remainder(camera.azimuth_deg - dx * kDegreesPerPixel, 360.0);
  camera.elevation_deg =
      std::clamp(camera.elevation_deg + dy * kDegreesPerPixel, -kMaxElevation, kMaxElevation);
}

void pan(render::OrbitCamera& camera, float dx, float dy, float viewport_height) {
  const auto b = camera.basis();
  const double units_per_pixel = 2 * camera.distance * b.tan_half / std::max(1.0f, viewport_height);
  Vec3 t = camera.target - b.right * (dx * units_per_pixel) + b.up * (dy * units_per_pixel);
  camera.target = Vec3{std::clamp(t.x, -1.0, 1.0), std::clamp(t.y, -1.0, 1.0), std::clamp(t.z, -1.0, 1.0)};
}

void zoom(render::OrbitCamera& camera, float wheel) {
  camera.distance = std::clamp(camera.distance * std::pow(kZoomStep, wheel), kMinDistance, kMaxDistance);
}

std::vector<float> slice_points(uint32_t n, double c) {
  std::vector<float> xyz(3 * size_t(n) * n);
  for (uint32_t row = 0; row < n; ++row)
    for (uint32_t col = 0; col < n; ++col) {
      float* p = &xyz[3 * (size_t(row) * n + col)];
      p[0] = float(-1.0 + (col + 0.5) * 2.0 / n);
      p[1] = float(1.0 - (row + 0.5) * 2.0 / n);
      p[2] = float(c);
    }
  return xyz;
}

void colour_slice(std::span<const float> sdf, uint32_t n, double range, uint32_t* texels) {
  const float inside[3] = {0.12f, 0.35f, 0.85f}, outside[3] = {0.85f, 0.22f, 0.12f};
  const auto negative = [&](uint32_t row, uint32_t col) { return sdf[size_t(row) * n + col] < 0; };
  for (uint32_t row = 0; row < n; ++row)
    for (uint32_t col = 0; col < n; ++col) {
      const float d = sdf[size_t(row) * n + col];
      const bool neg = d < 0;
      const bool contour =
          (row > 0 && negative(row - 1, col) != neg) || (row + 1 < n && negative(row + 1, col) != neg) ||
          (col > 0 && negative(row, col - 1) != neg) || (col + 1 < n && negative(row, col + 1) != neg);
      if (contour) {
        texels[size_t(row) * n + col] = pack_rgb(0, 0, 0);
        continue;
      }
      const float t = float(std::min(1.0, std::abs(d) / range));
      const float* end = neg ? inside : outside;
      // Iso-lines: darken within 6% of a band edge (bands of range / 5).
      const double band = std::abs(d) / (range / 5);
      const float shade = std::abs(band - std::round(band)) < 0.06 && band > 0.5 ? 0.8f : 1.0f;
      texels[size_t(row) * n + col] =
          pack_rgb(mix(1, end[0], t) * shade, mix(1, end[1], t) * shade, mix(1, end[2], t) * shade);
    }
}

}  // namespace nf::viewer
