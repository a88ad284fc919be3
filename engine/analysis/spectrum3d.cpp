#include "analysis/spectrum3d.hpp"

#include <cmath>
#include <complex>
#include <numbers>

#include "core/error.hpp"

namespace nf::analysis {
namespace {

using C = std::complex<double>;

void check(std::span<const float> values, uint32_t n, uint32_t bins) {
  NF_ASSERT(n >= 2 && values.size() == size_t(n) * n * n, "spectrum3d: ", values.size(), " values for a ", n, "^3 grid");
  NF_ASSERT(bins >= 1 && bins <= n / 2, "spectrum3d: 1 to n / 2 bins (", bins, " for n = ", n, ")");
}

}  // namespace

std::vector<double> spectrum3d(std::span<const float> values, uint32_t n, uint32_t bins) {
  check(values, n, bins);
  const uint32_t f = bins + 1;  // frequencies 0..S per axis
  std::vector<C> twiddle(size_t(f) * n);
  for (uint32_t k = 0; k < f; ++k)
    for (uint32_t x = 0; x < n; ++x)
      twiddle[size_t(k) * n + x] = std::polar(1.0, -2 * std::numbers::pi * double(k) * double(x) / double(n));
  // a[kx][z][y] = sum_x v[z][y][x] e^(-i 2 pi kx x / n)
  std::vector<C> a(size_t(f) * n * n);
  for (uint32_t z = 0; z < n; ++z)
    for (uint32_t y = 0; y < n; ++y) {
      const float* row = &values[(size_t(z) * n + y) * n];
      for (uint32_t kx = 0; kx < f; ++kx) {
        C s = 0;
        for (uint32_t x = 0; x < n; ++x) s += double(row[x]) * twiddle[size_t(kx) * n + x];
        a[(size_t(kx) * n + z) * n + y] = s;
      }
    }
  // b[kx][ky][z] = sum_y a[kx][z][y] e^(-i 2 pi ky y / n), ky <= S - kx
  std::vector<C> b(size_t(f) * f * n);
  for (uint32_t kx = 0; kx < f; ++kx)
    for (uint32_t ky = 0; kx + ky < f; ++ky)
      for (uint32_t z = 0; z < n; ++z) {
        C s = 0;
        for (uint32_t y = 0; y < n; ++y) s += a[(size_t(kx) * n + z) * n + y] * twiddle[size_t(ky) * n + y];
        b[(size_t(kx) * f + ky) * n + z] = s;
      }
  std::vector<double> out(bins, 0.0);
  for (uint32_t kx = 0; kx < f; ++kx)
    for (uint32_t ky = 0; kx + ky < f; ++ky)
      for (uint32_t kz = 0; kx + ky + kz < f; ++kz) {
        const uint32_t d = kx + ky + kz;
        if (d == 0) continue;
        C s = 0;
        for (uint32_t z = 0; z < n; ++z) s += b[(size_t(kx) * f + ky) * n + z] * twiddle[size_t(kz) * n + z];
        out[d - 1] += std::abs(s);
      }
  return out;
}

std::vector<double> spectrum3d_reference(std::span<const float> values, uint32_t n, uint32_t bins) {
  check(values, n, bins);
  std::vector<double> out(bins, 0.0);
  for (uint32_t kx = 0; kx <= bins; ++kx)
    for (uint32_t ky = 0; kx + ky <= bins; ++ky)
      for (uint32_t kz = 0; kx + ky + kz <= bins; ++kz) {
        const uint32_t d = kx + ky + kz;
        if (d == 0) continue;
        C s = 0;
        for (uint32_t z = 0; z < n; ++z)
          for (uint32_t y = 0; y < n; ++y)
            for (uint32_t x = 0; x < n; ++x)
              s += double(values[(size_t(z) * n + y) * n + x]) *
                   std::polar(1.0, -2 * std::numbers::pi * double(kx * x + ky * y + kz * z) / double(n));
        out[d - 1] += std::abs(s);
      }
  return out;
}

}  // namespace nf::analysis
