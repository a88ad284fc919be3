#version 460
// Occupancy-grid update, step 1 (render/occupancy_grid.hpp), in chunks: sample j picks a cascade (uniform) and a cell of
// it, and a point uniform in that cell, all from (seed, step, j). Samples j < uniform pick any cell; the others
// try up to 10 random cells and keep the first whose density value exceeds `occupied` (cells thought occupied:
// instant-ngp's "non-uniform" samples). Writes the point's field input x = (q - 0.5) * 2 / aabb_scale (rows
// 0-2) and the cell's index.
#include "common.glsl"
#include "rng.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Density { float density[]; };
layout(std430, binding = 1) writeonly buffer Points { float x[]; };  // 3 rows, stride
layout(std430, binding = 2) writeonly buffer Cells { uint cells[]; };

layout(push_constant) uniform Push {
  uint n, stride, uniform_samples, res;
  uint cascades, seed, step, first;
  float aabb_scale, occupied;
} pc;

float unit(uint h) { return float(h >> 8u) * (1.0 / 16777216.0); }

void main() {
  uint i = nf_item_index();  // row i of this chunk: sample j = first + i of the update
  if (i >= pc.n) return;
  uint j = pc.first + i;
  uint cells_per_cascade = pc.res * pc.res * pc.res;
  uint h = nf_hash(j ^ nf_hash(pc.step ^ nf_hash(pc.seed ^ 0x2545f491u)));
  uint mip = (h >> 16u) % pc.cascades;
  uint cell = 0u;
  for (uint tries = 0u; tries < 10u; ++tries) {
    h = nf_hash(h + tries);
    cell = h % cells_per_cascade;
    if (j < pc.uniform_samples || density[mip * cells_per_cascade + cell] > pc.occupied) break;
  }
  uvec3 c = uvec3(cell % pc.res, (cell / pc.res) % pc.res, cell / (pc.res * pc.res));
  uint h1 = nf_hash(h ^ 0x9e3779b9u), h2 = nf_hash(h1), h3 = nf_hash(h2);
  vec3 u = (vec3(c) + vec3(unit(h1), unit(h2), unit(h3))) / float(pc.res);
  vec3 q = (u - 0.5) * exp2(float(mip)) + 0.5;
  vec3 p = (q - 0.5) * (2.0 / pc.aabb_scale);
  for (uint a = 0u; a < 3u; ++a) x[a * pc.stride + i] = p[a];
  cells[i] = mip * cells_per_cascade + cell;
}
