#version 460
// Occupancy-grid update, step 2: the largest optical thickness sigma * step of the samples that fell in each
// cell this update (atomicMax on the bits of non-negative floats, which order like the floats).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Sigma { float sigma[]; };  // 1 row
layout(std430, binding = 1) readonly buffer Cells { uint cells[]; };
layout(std430, binding = 2) buffer Fresh { uint fresh[]; };

layout(push_constant) uniform Push {
  uint n;
  float step;
} pc;

void main() {
  uint j = nf_item_index();
  if (j >= pc.n) return;
  float v = max(sigma[j] * pc.step, 0.0);
  if (!(v < 3.0e38)) v = 3.0e38;  // inf and NaN: as opaque as can be
  atomicMax(fresh[cells[j]], floatBitsToUint(v));
}
