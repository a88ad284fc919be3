#version 460
// Marching cubes on the GPU: the triangles of one slab of grid cubes (render/marching_cubes.hpp; the CPU
// version is the reference). A cube's inside corners (value < 0) index the case table of render/mc_table.hpp;
// each of the case's triangles is appended (atomic counter) as its three grid edges, (inside, outside)
// global grid-point ids each, in the table's order (counter-clockwise seen from the positive side); the host
// welds the vertices by edge and interpolates them. Triangles beyond `capacity` are counted but not written.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Values { float v[]; };  // res * res * (layers + 1), x fastest
layout(std430, binding = 1) buffer Counter { uint count; };
layout(std430, binding = 2) writeonly buffer Triangles { uint tri[]; };  // 6 per triangle
layout(std430, binding = 3) readonly buffer Cases { uint cases[]; };     // 256 x (count, 36 edge ids)

layout(push_constant) uniform Push {
  uint res;       // grid points per axis
  uint k0;        // the slab's first cube layer (global)
  uint layers;    // cube layers in the slab
  uint capacity;  // triangles the output holds
} pc;

const uint kCaseWords = 37u;

// Cube edges as corner pairs (render/mc_table.cpp's numbering: 4 edges along x, then y, then z).
const uvec2 kEdges[12] = uvec2[12](uvec2(0, 1), uvec2(2, 3), uvec2(4, 5), uvec2(6, 7), uvec2(0, 2), uvec2(1, 3),
                                   uvec2(4, 6), uvec2(5, 7), uvec2(0, 4), uvec2(1, 5), uvec2(2, 6), uvec2(3, 7));

void cube(uint i, uint j, uint k) {
  uint corner[8];
  uint mask = 0u;
  for (uint q = 0u; q < 8u; ++q) {
    corner[q] = (i + (q & 1u)) + pc.res * ((j + ((q >> 1) & 1u)) + pc.res * (k + ((q >> 2) & 1u)));
    if (v[corner[q]] < 0.0) mask |= 1u << q;
  }
  if (mask == 0u || mask == 255u) return;
  uint base = pc.res * pc.res * pc.k0;
  uint c0 = mask * kCaseWords;
  uint triangles = cases[c0];
  for (uint t = 0u; t < triangles; ++t) {
    uint idx = atomicAdd(count, 1u);
    if (idx >= pc.capacity) continue;
    for (uint q = 0u; q < 3u; ++q) {
      uvec2 e = kEdges[cases[c0 + 1u + 3u * t + q]];
      uint a = corner[e.x], b = corner[e.y];
      bool a_inside = v[a] < 0.0;
      tri[6u * idx + 2u * q] = (a_inside ? a : b) + base;
      tri[6u * idx + 2u * q + 1u] = (a_inside ? b : a) + base;
    }
  }
}

// One invocation per (i, j) column of the slab, walking its cube layers (a 1-D dispatch of (res - 1)^2
// items at most, whatever the slab's depth).
void main() {
  uint c = nf_item_index();
  uint m = pc.res - 1u;
  if (c >= m * m) return;
  for (uint k = 0u; k < pc.layers; ++k) cube(c % m, c / m, k);
}
