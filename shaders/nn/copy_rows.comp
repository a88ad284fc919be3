#version 460
// Copies ROWS feature rows of n samples between feature-major buffers of different strides.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint ROWS = 2;

layout(std430, binding = 0) readonly buffer Src { float src[]; };
layout(std430, binding = 1) writeonly buffer Dst { float dst[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_src;
  uint stride_dst;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  for (uint r = 0; r < ROWS; ++r) dst[r * pc.stride_dst + i] = src[r * pc.stride_src + i];
}
