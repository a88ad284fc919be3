#pragma once
// A pool of training points with their ground-truth signed distances, drawn from a mesh in normalised
// units (the mesh of a MeshSdf built from load_mesh()). Four kinds of points, stored in this order:
//   Surface:    uniform on the surface (triangle chosen by area, uniform inside it); sdf = 0 by definition.
//   NearFine:   a surface point plus isotropic Gaussian noise of std-dev sigma_fine.
//   NearCoarse: a surface point plus isotropic Gaussian noise of std-dev sigma_coarse.
//   Uniform:    uniform in [-1, 1]^3.
// Every point lies in [-1, 1]^3: noisy points that leave the box draw new noise (up to 16 times, then are
// clamped to the box). The pool is identical for equal (mesh, options) whatever the thread count: points
// come from one Pcg32 stream seeded with `seed`; only the distance evaluation runs in parallel.
#include <array>
#include <cstdint>
#include <vector>

#include "data/mesh_sdf.hpp"

namespace nf::data {

enum class SdfSampleKind : uint32_t { Surface = 0, NearFine = 1, NearCoarse = 2, Uniform = 3 };

struct SdfSampleOptions {
  uint64_t count = 1u << 18;  // points in the pool
  // Relative weights of the kinds (any non-negative numbers with a positive sum); counts are rounded, and
  // the remainder goes to the last kind with a positive weight. GNF's SDF recipe (DESIGN.md 4.1) is
  // surface = 1, uniform = 7, near_fine = near_coarse = 0.
  double surface = 0.25, near_fine = 0.25, near_coarse = 0.25, uniform = 0.25;
  double sigma_fine = 0.01;   // normalised units
  double sigma_coarse = 0.1;  // normalised units
  uint64_t seed = 1;
  unsigned threads = 0;  // 0 = one per hardware thread
};

struct SdfSamples {
  std::vector<float> points;         // 3 * size(): x, y, z interleaved, normalised units
  std::vector<float> sdf;            // size(): signed distance, normalised units, positive outside
  std::array<uint64_t, 4> counts{};  // points of each SdfSampleKind, stored consecutively in that order

  size_t size() const { return sdf.size(); }
  // Index of the first point of a kind.
  uint64_t first(SdfSampleKind kind) const {
    uint64_t f = 0;
    for (uint32_t k = 0; k < uint32_t(kind); ++k) f += counts[k];
    return f;
  }
};

// Throws nf::Error on invalid options (negative or all-zero weights, non-positive sigmas, zero count).
SdfSamples make_sdf_samples(const MeshSdf& sdf, const SdfSampleOptions& options = {});

}  // namespace nf::data
