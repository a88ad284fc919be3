#include "analysis/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.hpp"

namespace nf::analysis {
namespace {

constexpr uint32_t kGroupSize = 64;
constexpr int kMaxSide = 1024;

struct ResizePush {
  uint32_t width, height, n;
};
struct RowsPush {
  uint32_t n, rows, channels;
};
struct CellsPush {
  uint32_t n, rows, channels, diagonals;
};
struct BinsPush {
  uint32_t bins, diagonals;
};

uint64_t triangle_cells(uint32_t diagonals) { return uint64_t(diagonals + 1) * (diagonals + 2) / 2; }

}  // namespace

int spectrum_side(int width, int height) { return std::min({width, height, kMaxSide}); }

Spectrum::Spectrum(gpu::Context& ctx, int width, int height, int channels, uint32_t bins)
    : width_(width), height_(height), channels_(channels), bins_(bins) {
  NF_ASSERT(width > 0 && height > 0 && channels > 0, "spectrum of an empty image");
  NF_ASSERT(bins > 0, "a spectrum needs at least one bin");
  n_ = uint32_t(spectrum_side(width, height));
  diagonals_ = std::min(bins_, n_);      // bins beyond diagonal N are empty in FreSh's mask
  rows_ = std::min(diagonals_, n_ - 1) + 1;  // row frequencies a kept cell can have
  const auto c = uint64_t(channels);
  input_ = gpu::Buffer(ctx, uint64_t(width) * height * c * sizeof(float), "spectrum input");
  square_ = gpu::Buffer(ctx, c * n_ * n_ * sizeof(float), "spectrum square");
  twiddles_ = gpu::Buffer(ctx, n_ * 2 * sizeof(float), "spectrum twiddles");
  rows_buffer_ = gpu::Buffer(ctx, c * rows_ * n_ * 2 * sizeof(float), "spectrum rows");
  cells_ = gpu::Buffer(ctx, triangle_cells(diagonals_) * sizeof(float), "spectrum cells");
  bins_buffer_ = gpu::Buffer(ctx, bins_ * sizeof(float), "spectrum bins");

  std::vector<float> tw(2 * n_);
  for (uint32_t k = 0; k < n_; ++k) {
    const double a = -2.0 * std::numbers::pi * k / n_;
    tw[2 * k] = float(std::cos(a));
    tw[2 * k + 1] = float(std::sin(a));
  }
  twiddles_.upload(std::span<const float>(tw));

  using gpu::BindingKind;
  resize_ = gpu::Program(ctx, {"analysis/resize_square", std::vector(2, BindingKind::Storage), sizeof(ResizePush),
                               kGroupSize, {uint32_t(channels)}});
  dft_rows_ = gpu::Program(ctx, {"analysis/dft_rows", std::vector(3, BindingKind::Storage), sizeof(RowsPush),
                                 kGroupSize, {}});
  dft_cells_ = gpu::Program(ctx, {"analysis/dft_cells", std::vector(3, BindingKind::Storage), sizeof(CellsPush),
                                  kGroupSize, {}});
  bin_ = gpu::Program(ctx, {"analysis/spectrum_bins", std::vector(2, BindingKind::Storage), sizeof(BinsPush),
                            kGroupSize, {}});
}

std::vector<double> Spectrum::compute(gpu::Stream& stream, const Image& image) {
  NF_ASSERT(image.width == width_ && image.height == height_ && image.channels == channels_,
            "spectrum: the image must have the size and channels the Spectrum was built for");
  input_.upload(std::span<const float>(image.pixels));
  gpu::CommandList& cmd = stream.begin();
  const auto c = uint32_t(channels_);
  cmd.dispatch(resize_, gpu::Groups::linear(uint64_t(n_) * n_, kGroupSize),
               {gpu::Bind::in(input_), gpu::Bind::out(square_)}, ResizePush{uint32_t(width_), uint32_t(height_), n_});
  cmd.dispatch(dft_rows_, gpu::Groups::linear(uint64_t(c) * rows_ * n_, kGroupSize),
               {gpu::Bind::in(square_), gpu::Bind::in(twiddles_), gpu::Bind::out(rows_buffer_)},
               RowsPush{n_, rows_, c});
  cmd.dispatch(dft_cells_, gpu::Groups::linear(triangle_cells(diagonals_), kGroupSize),
               {gpu::Bind::in(rows_buffer_), gpu::Bind::in(twiddles_), gpu::Bind::out(cells_)},
               CellsPush{n_, rows_, c, diagonals_});
  cmd.dispatch(bin_, gpu::Groups::linear(bins_, kGroupSize), {gpu::Bind::in(cells_), gpu::Bind::out(bins_buffer_)},
               BinsPush{bins_, diagonals_});
  stream.submit();
  stream.wait();
  const auto f = bins_buffer_.download_all<float>();
  return {f.begin(), f.end()};
}

double w1_distance(std::span<const double> u, std::span<const double> v) {
  NF_ASSERT(u.size() == v.size(), "w1_distance: spectra of different lengths");
  double su = 0, sv = 0;
  for (double x : u) su += x;
  for (double x : v) sv += x;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (!(su > 0) || !(sv > 0) || !std::isfinite(su) || !std::isfinite(sv)) return kInf;
  double cu = 0, cv = 0, w = 0;
  for (size_t k = 0; k + 1 < u.size(); ++k) {
    cu += u[k] / su;
    cv += v[k] / sv;
    w += std::abs(cu - cv);
  }
  return w;
}

}  // namespace nf::analysis
