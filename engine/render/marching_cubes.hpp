#pragma once
// Zero level set of a scalar field sampled on a regular grid, as a closed triangle mesh.
//
// The grid holds res^3 values at the points lo + (hi - lo) * (i, j, k) / (res - 1), x fastest. Marching
// cubes with a case table derived in render/mc_table.hpp: ambiguous cube faces always separate their
// inside corners, the same decision in both cubes sharing a face, so the surface has no cracks: where the
// field is negative well inside the grid's border, every edge of the output is shared by exactly two
// triangles. Vertices lie on grid edges (linear interpolation of the two values) and are welded by edge,
// so the mesh is indexed. Triangles are counter-clockwise seen from the positive side (outward for an
// SDF, positive outside). Normals: the grid's gradient by central differences (one-sided at the border),
// interpolated along the edge and normalised.
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/vec3.hpp"
#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "gpu/stream.hpp"

namespace nf::render {

struct IsoMesh {
  std::vector<Vec3> vertices;
  std::vector<Vec3> normals;  // one per vertex, unit length (or zero where the gradient vanishes)
  std::vector<std::array<uint32_t, 3>> triangles;
};

struct GridSpec {
  uint32_t resolution = 64;  // points per axis (>= 2)
  double lo = -1.0, hi = 1.0;
  Vec3 point(uint32_t i, uint32_t j, uint32_t k) const;
};

// A field on the grid's points, x fastest: evaluate(xyz) returns the values of points given as 3 floats each;
// it is called on z-slabs of at most ~4M points (so a 512^3 grid fits), in order.
std::vector<float> sample_grid(const GridSpec& grid,
                               const std::function<std::vector<float>(std::span<const float> xyz)>& evaluate);

// values: resolution^3 samples, x fastest. Throws on a size mismatch or a resolution under 2.
IsoMesh extract_isosurface(std::span<const float> values, const GridSpec& grid);

// The same surface with the case analysis on the GPU (shaders/render/mc_cubes.comp): the grid goes up in
// slabs of cube layers (each slab's values within the buffer limit), each slab's triangles come back as
// grid edges, and the host welds and interpolates them exactly as extract_isosurface() does, so the two
// agree triangle for triangle (up to order). max_triangles: the output buffer per slab (slabs shrink when
// one overflows).
class GpuIsosurface {
 public:
  explicit GpuIsosurface(gpu::Context& ctx, uint32_t max_triangles = 1u << 21, uint64_t max_slab_bytes = 64ull << 20);
  IsoMesh extract(gpu::Stream& stream, std::span<const float> values, const GridSpec& grid);

 private:
  gpu::Context& ctx_;
  uint32_t capacity_;
  uint64_t slab_bytes_;
  gpu::Buffer counter_, triangles_, cases_;
  gpu::Program program_;
};

// Volume enclosed (divergence theorem; meaningful for a closed mesh) and total area.
double enclosed_volume(const IsoMesh& mesh);
double surface_area(const IsoMesh& mesh);

// Edges not shared by exactly two triangles (0 for a closed, manifold mesh).
uint64_t open_edges(const IsoMesh& mesh);

// Writes the mesh as OBJ (v, vn, f v//n) or binary little-endian PLY (x y z nx ny nz, face lists), chosen
// by the extension (.obj / .ply, case-insensitive); atomically. Throws naming the file otherwise.
void write_iso_mesh(const std::string& path, const IsoMesh& mesh);

}  // namespace nf::render
