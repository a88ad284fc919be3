#version 460
// The eikonal term's per-sample work, from the field's input gradients g (DIMS x stride, feature-major):
//   g_hat = scale * 2 (|g| - 1) g / |g|   (d/dg of scale * (|g| - 1)^2; 0 where g = 0)
// and the step's sums, sums[0] += (|g| - 1)^2, sums[1] += |g| (float atomics; portable variant "@cas").
#include "common.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 3;

layout(std430, binding = 0) readonly buffer Grad { float g[]; };
layout(std430, binding = 1) writeonly buffer GradHat { float g_hat[]; };
layout(std430, binding = 2) buffer Sums { NF_ATOMIC_FLOAT_TYPE sums[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  float scale;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  float sq = 0.0;
  for (uint a = 0; a < DIMS; ++a) sq += g[a * pc.stride + i] * g[a * pc.stride + i];
  float norm = sqrt(sq);
  float factor = norm > 0.0 ? pc.scale * 2.0 * (norm - 1.0) / norm : 0.0;
  for (uint a = 0; a < DIMS; ++a) g_hat[a * pc.stride + i] = factor * g[a * pc.stride + i];
  NF_ATOMIC_ADD(sums, 0, (norm - 1.0) * (norm - 1.0));
  NF_ATOMIC_ADD(sums, 1, norm);
}
