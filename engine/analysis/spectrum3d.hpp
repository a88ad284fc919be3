#pragma once
// FreSh's spectrum of a 3-D signal (DESIGN.md 4.3, our extension for SDFs): |DFT3| of an N^3 grid of values,
// binned over the (+,+,+) octant by the diagonal d = kx + ky + kz, DC (d = 0) dropped, bins d = 1..S kept
// (S <= N / 2, so the octant holds every bin: the 3-D analogue of the 2-D (+,+) quadrant).
//
// Computed on the CPU in double precision as a truncated separable DFT (x, then y, then z, each only up to
// the frequencies the bins need): N^3 (S + 1) complex products for the first axis and fewer after, ~0.1 s at
// N = 64, S = 32. spectrum3d_reference() is the direct triple sum, for tests.
#include <cstdint>
#include <span>
#include <vector>

namespace nf::analysis {

// values: n^3 samples, x fastest. bins: S, 1 <= S <= n / 2.
std::vector<double> spectrum3d(std::span<const float> values, uint32_t n, uint32_t bins);
std::vector<double> spectrum3d_reference(std::span<const float> values, uint32_t n, uint32_t bins);

}  // namespace nf::analysis
