#version 460
// Occupancy-grid update, step 3, per cell: density = max(density * decay, this update's value) (cells at -1,
// never trainable, stay), the update's value reset; and per workgroup the sum of cascade 0's densities (for
// the mean that sets the threshold).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) buffer Density { float density[]; };
layout(std430, binding = 1) buffer Fresh { uint fresh[]; };
layout(std430, binding = 2) writeonly buffer Partials { float partials[]; };

layout(push_constant) uniform Push {
  uint n, cascade0;
  float decay;
} pc;

shared float sums[gl_WorkGroupSize.x];

void main() {
  uint c = nf_item_index();
  float v = 0.0;
  if (c < pc.n) {
    float g = density[c];
    float f = uintBitsToFloat(fresh[c]);
    fresh[c] = 0u;
    if (g >= 0.0) {
      g = max(g * pc.decay, f);
      density[c] = g;
    }
    if (c < pc.cascade0) v = max(g, 0.0);
  }
  sums[gl_LocalInvocationID.x] = v;
  barrier();
  for (uint w = gl_WorkGroupSize.x / 2u; w > 0u; w >>= 1u) {
    if (gl_LocalInvocationID.x < w) sums[gl_LocalInvocationID.x] += sums[gl_LocalInvocationID.x + w];
    barrier();
  }
  uint group = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (gl_LocalInvocationID.x == 0u) partials[group] = sums[0];
}
