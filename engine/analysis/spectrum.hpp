#pragma once
// FreSh spectra (Kania et al., ICLR 2025; DESIGN.md 4.3) and the distance between them.
//
// The spectrum of a C x H x W signal: resize to a square of side N = min(min(H, W), 1024) (antialiased
// bilinear squash, not a crop; square inputs of side <= 1024 are unchanged), take |FFT2| of each channel
// (unshifted, unnormalised), sum over channels, and bin the cells (r, c) of FreSh's Hermitian-half mask
// by diagonal d = r + c (r = row frequency, c = column frequency); drop d = 0 (DC) and keep d = 1..S.
// For S <= N / 2 that is the (+,+) quadrant: S[d] = sum_{r=0..d} |F|[r, d - r].
//
// Only the S lowest diagonals are needed, so the GPU evaluates a truncated DFT (rows, then the masked
// triangle of cells) instead of a full FFT: it is exact for any N (no Bluestein or padding), and at
// N = 512, S = 64 costs ~0.4 GFLOP per image, well under 1% of one untrained-field evaluation that
// FreSh compares it with. (VkFFT, as packaged in Debian 12, does not build here: libvkfft-dev 1.2.26's
// glslang resource table predates glslang-dev 12's mesh-shader fields, which C++ rejects, and as C it
// needs C23's empty initialisers, which gcc 12 rejects.)
#include <span>
#include <vector>

#include "core/image.hpp"
#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "gpu/stream.hpp"

namespace nf::analysis {

// Side of the square the spectrum resizes an image to.
int spectrum_side(int width, int height);

// Computes spectra of images of one size on the GPU. Buffers are allocated in the constructor.
class Spectrum {
 public:
  Spectrum(gpu::Context& ctx, int width, int height, int channels, uint32_t bins);

  // The S bins of image's spectrum (not normalised). image must have the constructor's size and channels.
  std::vector<double> compute(gpu::Stream& stream, const Image& image);

  uint32_t bins() const { return bins_; }
  int side() const { return int(n_); }

 private:
  int width_, height_, channels_;
  uint32_t bins_, n_, diagonals_, rows_;
  gpu::Buffer input_, square_, twiddles_, rows_buffer_, cells_, bins_buffer_;
  gpu::Program resize_, dft_rows_, dft_cells_, bin_;
};

// Double-precision reference: the same resize, and a direct 2D DFT of every masked cell.
std::vector<double> spectrum_reference(const Image& image, uint32_t bins);

// 1-D Wasserstein-1 distance (in bins) between two spectra, each normalised to sum 1:
// sum_k |CDF_u(k) - CDF_v(k)|. +inf when either spectrum sums to zero or is not finite (a constant output
// has no spectrum, so it can never be the closest).
double w1_distance(std::span<const double> u, std::span<const double> v);

}  // namespace nf::analysis
