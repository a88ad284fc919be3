#version 460
// Occupancy-grid update, step 4: the bitfield. Every workgroup first sums the partial sums of grid_decay into
// the mean density of cascade 0; then word w's bit b is set when cell 32 w + b has density above
// min(threshold, mean) (instant-ngp's rule: a trained scene's threshold is `threshold`, an untrained one's
// its mean).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Density { float density[]; };
layout(std430, binding = 1) readonly buffer Partials { float partials[]; };
layout(std430, binding = 2) writeonly buffer Bits { uint bits[]; };

layout(push_constant) uniform Push {
  uint words, partial_count, cascade0;
  float threshold;
} pc;

shared float sums[gl_WorkGroupSize.x];

void main() {
  float s = 0.0;
  for (uint p = gl_LocalInvocationID.x; p < pc.partial_count; p += gl_WorkGroupSize.x) s += partials[p];
  sums[gl_LocalInvocationID.x] = s;
  barrier();
  for (uint w = gl_WorkGroupSize.x / 2u; w > 0u; w >>= 1u) {
    if (gl_LocalInvocationID.x < w) sums[gl_LocalInvocationID.x] += sums[gl_LocalInvocationID.x + w];
    barrier();
  }
  float thresh = min(pc.threshold, sums[0] / float(pc.cascade0));
  uint w = nf_item_index();
  if (w >= pc.words) return;
  uint word = 0u;
  for (uint b = 0u; b < 32u; ++b)
    if (density[32u * w + b] > thresh) word |= 1u << b;
  bits[w] = word;
}
