// Double-precision references of the radiance heads (shaders/include/sh.glsl, radiance/density_head.comp).
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "fields/radiance_heads.hpp"

namespace nf::fields {

std::vector<double> sh_reference(const std::array<double, 3>& d, uint32_t terms) {
  NF_ASSERT(terms == 1 || terms == 4 || terms == 9 || terms == 16, "1, 4, 9 or 16 terms");
  const double x = d[0], y = d[1], z = d[2];
  // Real spherical harmonics with tiny-cuda-nn's normalisation and signs.
  const std::vector<double> all = {
      0.28209479177387814,
      -0.48860251190291987 * y,
      0.48860251190291987 * z,
      -0.48860251190291987 * x,
      1.0925484305920792 * x * y,
      -1.0925484305920792 * y * z,
      0.94617469575755997 * z * z - 0.31539156525251999,
      -1.0925484305920792 * x * z,
      0.54627421529603959 * (x * x - y * y),
      0.59004358992664352 * y * (-3 * x * x + y * y),
      2.8906114426405538 * x * y * z,
      0.45704579946446572 * y * (1 - 5 * z * z),
      0.3731763325901154 * z * (5 * z * z - 3),
      0.45704579946446572 * x * (1 - 5 * z * z),
      1.4453057213202769 * z * (x * x - y * y),
      0.59004358992664352 * x * (-x * x + 3 * y * y)};
  return {all.begin(), all.begin() + terms};
}

std::array<double, 2> direction_angles_reference(const std::array<double, 3>& d) {
  const double az = d[0] == 0 && d[1] == 0 ? 0.0 : std::atan2(d[1], d[0]) / M_PI;
  return {az, std::asin(std::clamp(d[2], -1.0, 1.0)) * 2 / M_PI};
}

double density_reference(DensityActivation a, double r, double shift) {
  if (a == DensityActivation::Exp) return std::exp(r);
  return std::log1p(std::exp(r + shift));
}

double density_slope_reference(DensityActivation a, double r, double shift) {
  if (a == DensityActivation::Exp) return std::exp(std::clamp(r, -15.0, 15.0));
  return 1 / (1 + std::exp(-(r + shift)));
}

}  // namespace nf::fields
