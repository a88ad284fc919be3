#pragma once
// The double-precision references shared by the grid encodings (hash grid, DiF-grid), written once over the
// encoding's taps: taps(x, visit) calls visit(cell index, weight, d weight / dx (dims values), feature) for
// every (level, corner, feature) of the sample at x. Values are feature-major per sample: F[i * nf + f];
// x, x_dot, dL/dx sample-major [i * dims + a].
#include <cstdint>
#include <span>
#include <vector>

namespace nf::nn::grid_reference {

// Calls visit(sample i, cell index, weight, d weight / dx, feature) for every tap of every sample.
template <class Taps, class Visit>
void each_tap(Taps taps, uint32_t dims, std::span<const double> x, Visit visit) {
  for (size_t i = 0; i < x.size() / dims; ++i)
    taps(&x[i * dims], [&](uint64_t p, double w, const double* dw, uint32_t f) { visit(i, p, w, dw, f); });
}

template <class Taps>
std::vector<double> forward(Taps taps, uint32_t dims, size_t nf, std::span<const double> cells,
                            std::span<const double> x) {
  std::vector<double> out((x.size() / dims) * nf, 0.0);
  each_tap(taps, dims, x, [&](size_t i, uint64_t p, double w, const double*, uint32_t f) {
    out[i * nf + f] += w * cells[p];
  });
  return out;
}

// dL/d(cells) for dL/dF = d_f.
template <class Taps>
std::vector<double> backward(Taps taps, uint32_t dims, size_t nf, std::span<const double> cells,
                             std::span<const double> x, std::span<const double> d_f) {
  std::vector<double> g(cells.size(), 0.0);
  each_tap(taps, dims, x, [&](size_t i, uint64_t p, double w, const double*, uint32_t f) {
    g[p] += w * d_f[i * nf + f];
  });
  return g;
}

// dL/dx for dL/dF = d_f.
template <class Taps>
std::vector<double> input_grad(Taps taps, uint32_t dims, size_t nf, std::span<const double> cells,
                               std::span<const double> x, std::span<const double> d_f) {
  std::vector<double> d_x(x.size(), 0.0);
  each_tap(taps, dims, x, [&](size_t i, uint64_t p, double, const double* dw, uint32_t f) {
    for (uint32_t a = 0; a < dims; ++a) d_x[i * dims + a] += dw[a] * cells[p] * d_f[i * nf + f];
  });
  return d_x;
}

// The tangent F_dot along x_dot.
template <class Taps>
std::vector<double> jvp(Taps taps, uint32_t dims, size_t nf, std::span<const double> cells,
                        std::span<const double> x, std::span<const double> x_dot) {
  std::vector<double> out((x.size() / dims) * nf, 0.0);
  each_tap(taps, dims, x, [&](size_t i, uint64_t p, double, const double* dw, uint32_t f) {
    for (uint32_t a = 0; a < dims; ++a) out[i * nf + f] += dw[a] * x_dot[i * dims + a] * cells[p];
  });
  return out;
}

// dL/d(cells) of the tangent for dL/dF_dot = d_f_dot.
template <class Taps>
std::vector<double> jvp_backward(Taps taps, uint32_t dims, size_t nf, std::span<const double> cells,
                                 std::span<const double> x, std::span<const double> x_dot,
                                 std::span<const double> d_f_dot) {
  std::vector<double> g(cells.size(), 0.0);
  each_tap(taps, dims, x, [&](size_t i, uint64_t p, double, const double* dw, uint32_t f) {
    for (uint32_t a = 0; a < dims; ++a) g[p] += dw[a] * x_dot[i * dims + a] * d_f_dot[i * nf + f];
  });
  return g;
}

}  // namespace nf::nn::grid_reference
