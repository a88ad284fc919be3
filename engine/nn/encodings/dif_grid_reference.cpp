// Slow, obvious double-precision DiF-grid (nerfstudio-style reference next to the fast kernel).
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "nn/encodings/dif_grid.hpp"
#include "nn/encodings/grid_reference.hpp"

namespace nf::nn {
namespace {

struct Axis {
  uint64_t lo, hi;
  double w_hi;
  double dw_hi;  // d w_hi / dx
};

// torch: pts_local = ((x + 1) % s) / (s / 2) - 1, clamped; grid_sample(align_corners=False, border).
// Derivatives: du/dx = 2 / s = reso within a tile (0 where u's clamp saturates), d ix / du = reso / 2 (0
// where ix's border clamp saturates).
Axis axis(double x, uint32_t reso) {
  const double r = reso, s = 2.0 / r;
  const double t = (x + 1.0) - s * std::floor((x + 1.0) / s);  // floor-mod, as torch's %
  const double u_raw = t / (s / 2.0) - 1.0;
  const double u = std::clamp(u_raw, -1.0, 1.0);
  const double ix_raw = ((u + 1.0) * r - 1.0) / 2.0;
  const double ix = std::clamp(ix_raw, 0.0, r - 1.0);
  const double du = u_raw > -1.0 && u_raw < 1.0 ? 2.0 / s : 0.0;
  const double dix = ix_raw > 0.0 && ix_raw < r - 1.0 ? r / 2.0 : 0.0;
  const double f = std::floor(ix);
  const auto lo = uint64_t(f);
  return {lo, std::min<uint64_t>(lo + 1, reso - 1), ix - f, dix * du};
}

// Calls visit(parameter index, weight, d weight / dx (dims values), feature index) for every (corner,
// channel) of sample x.
template <class Visit>
void for_each_tap(const DifGridConfig& cfg, uint32_t dims, const double* x, Visit visit) {
  uint64_t offset = 0;
  uint32_t feature = 0;
  for (size_t l = 0; l < cfg.resolutions.size(); ++l) {
    const uint32_t reso = cfg.resolutions[l], channels = cfg.channels[l];
    Axis ax[3];
    for (uint32_t a = 0; a < dims; ++a) ax[a] = axis(x[a], reso);
    for (uint32_t corner = 0; corner < (1u << dims); ++corner) {
      uint64_t cell = 0;
      double weight = 1.0, dweight[3] = {1, 1, 1};
      for (int a = int(dims) - 1; a >= 0; --a) {
        const bool upper = (corner >> a) & 1u;
        cell = cell * reso + (upper ? ax[a].hi : ax[a].lo);
        weight *= upper ? ax[a].w_hi : 1.0 - ax[a].w_hi;
        for (int b = 0; b < int(dims); ++b)
          dweight[b] *= b == a ? (upper ? ax[a].dw_hi : -ax[a].dw_hi) : (upper ? ax[a].w_hi : 1.0 - ax[a].w_hi);
      }
      for (uint32_t c = 0; c < channels; ++c) visit(offset + cell * channels + c, weight, dweight, feature + c);
    }
    offset += cfg.level_cells(l, dims) * channels;
    feature += channels;
  }
}

}  // namespace

namespace {

// The taps of one config, for grid_reference.
auto taps(const DifGridConfig& c, uint32_t dims) {
  return [&c, dims](const double* x, auto visit) { for_each_tap(c, dims, x, visit); };
}

}  // namespace

std::vector<double> dif_grid_reference_forward(const DifGridConfig& c, uint32_t dims, std::span<const double> grid,
                                               std::span<const double> x) {
  NF_ASSERT(grid.size() == c.parameters(dims), "reference grid has the wrong size");
  return grid_reference::forward(taps(c, dims), dims, c.features(), grid, x);
}

std::vector<double> dif_grid_reference_backward(const DifGridConfig& c, uint32_t dims, std::span<const double> grid,
                                                std::span<const double> x, std::span<const double> d_f) {
  NF_ASSERT(grid.size() == c.parameters(dims), "reference grid has the wrong size");
  return grid_reference::backward(taps(c, dims), dims, c.features(), grid, x, d_f);
}

std::vector<double> dif_grid_reference_input_grad(const DifGridConfig& c, uint32_t dims, std::span<const double> grid,
                                                  std::span<const double> x, std::span<const double> d_f) {
  NF_ASSERT(grid.size() == c.parameters(dims), "reference grid has the wrong size");
  return grid_reference::input_grad(taps(c, dims), dims, c.features(), grid, x, d_f);
}

std::vector<double> dif_grid_reference_jvp(const DifGridConfig& c, uint32_t dims, std::span<const double> grid,
                                        std::span<const double> x, std::span<const double> x_dot) {
  return grid_reference::jvp(taps(c, dims), dims, c.features(), grid, x, x_dot);
}

std::vector<double> dif_grid_reference_jvp_backward(const DifGridConfig& c, uint32_t dims,
                                                 std::span<const double> grid, std::span<const double> x,
                                                 std::span<const double> x_dot, std::span<const double> d_f_dot) {
  return grid_reference::jvp_backward(taps(c, dims), dims, c.features(), grid, x, x_dot, d_f_dot);
}

}  // namespace nf::nn
