#version 460
// Samples [first, first + n) of an SDF training step, written to rows [0, n): sample i is pool point
// pool_first + nf_sample_index(seed, step, first + i, pool_size) (uniform with replacement over the pool's
// points [pool_first, pool_first + pool_size)); x = its xyz (normalised units), target = its signed distance.
#include "common.glsl"
#include "rng.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Points { float points[]; };  // xyz interleaved
layout(std430, binding = 1) readonly buffer Sdf { float sdf[]; };
layout(std430, binding = 2) writeonly buffer Coords { float x[]; };       // 3 x stride
layout(std430, binding = 3) writeonly buffer Target { float target[]; };  // 1 x stride

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint pool_size;
  uint seed;
  uint step;
  uint first;
  uint pool_first;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint p = pc.pool_first + nf_sample_index(pc.seed, pc.step, pc.first + i, pc.pool_size);
  x[i] = points[3u * p];
  x[pc.stride + i] = points[3u * p + 1u];
  x[2u * pc.stride + i] = points[3u * p + 2u];
  target[i] = sdf[p];
}
