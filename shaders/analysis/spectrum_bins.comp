#version 460
// Bins d = 1..S of the spectrum: bin[d - 1] = sum of the cells on diagonal r + c = d (DC dropped);
// bins beyond the triangle's B diagonals are 0.
#include "common.glsl"
#include "spectrum.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Cells { float cell[]; };
layout(std430, binding = 1) writeonly buffer Bins { float bin[]; };

layout(push_constant) uniform Push {
  uint bins;       // S
  uint diagonals;  // B
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.bins) return;
  uint d = i + 1u;
  float sum = 0.0;
  if (d <= pc.diagonals)
    for (uint r = 0u; r <= d; ++r) sum += cell[nf_cell_index(d, r)];
  bin[i] = sum;
}
