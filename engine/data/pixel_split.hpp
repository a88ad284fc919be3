#pragma once
// Which pixels of an image a fit trains on, and which it holds out to measure how the field generalizes.
// Two splits exist:
//   strided: the pixels whose coordinates are both multiples of k train (CAM's generalization task),
//            every other pixel is held out;
//   holdout: floor(fraction x pixels) pixels, drawn by a seeded shuffle, are held out and the rest train
//            (gmum/FreSh's image protocol: 10 %, chosen once per image, the same for every candidate).
// Indices are row-major (y * width + x) and ascending in both lists.
#include <cstdint>
#include <vector>

namespace nf::data {

struct PixelSplit {
  std::vector<uint32_t> train;  // empty: no split, every pixel trains
  std::vector<uint32_t> test;   // the held-out pixels (empty without a split)

  bool split() const { return !train.empty(); }
  // Pixels that train, of a width x height image.
  uint64_t training_pixels(int width, int height) const {
    return split() ? train.size() : uint64_t(width) * uint64_t(height);
  }
};

// k >= 1; k == 1 gives no split.
PixelSplit strided_split(int width, int height, uint32_t k);

// 0 <= fraction < 1; a fraction that holds out no pixel gives no split. The same (size, fraction, seed)
// gives the same split on every platform (core/rng.hpp's Pcg32).
PixelSplit holdout_split(int width, int height, double fraction, uint32_t seed);

}  // namespace nf::data
