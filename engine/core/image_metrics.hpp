#pragma once
// Image quality metrics, computed in double precision on the CPU.
#include <cstdint>
#include <span>

#include "core/image.hpp"

namespace nf {

// The prediction as it is scored against `target`: clamped to [0,1] when every target value lies in [0,1]
// (8- and 16-bit images, what a PNG of the prediction shows), unchanged for HDR targets.
Image scored_prediction(const Image& prediction, const Image& target);

// Mean squared error over all pixels and channels. Images must have the same shape.
double mse(const Image& a, const Image& b);

// The same over the listed pixels only (row-major indices, all channels; a held-out set).
double mse(const Image& a, const Image& b, std::span<const uint32_t> pixels);

// PSNR in dB for a data range of 1: -10 log10(MSE). Infinite for identical images, NaN when a value is NaN.
double psnr(const Image& a, const Image& b);
double psnr(const Image& a, const Image& b, std::span<const uint32_t> pixels);

// SSIM (Wang et al. 2004): 11x11 Gaussian window, sigma 1.5, K1 = 0.01, K2 = 0.03, data range 1, over the
// "valid" region (no padding), averaged over channels. Both sides must be at least 11 pixels.
double ssim(const Image& a, const Image& b);

// Per-pixel mean absolute error over channels, shown with a perceptual colour map (dark = 0, bright yellow
// >= max_error). Returns an RGB image in [0,1].
Image error_map(const Image& a, const Image& b, double max_error);

// A one-channel image (depth, counts, ...) with the same colour map: lo dark, hi and above bright.
Image color_mapped(const Image& values, double lo, double hi);

}  // namespace nf
