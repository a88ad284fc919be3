#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP, one layer backward to its input: dL/da_in[i] = sum_j W[j][i] dL/dz[j] for inputs [i0, i0 + IB)
// (i0 = workgroup y * IB), 8 samples per invocation (see mlp_linear for the vec4 access contract).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint IB = 16;

layout(binding = 0) uniform textureBuffer w_texels;  // floats (R32F), [j * IN + i]
layout(binding = 1) uniform textureBuffer dz_rows;
layout(std430, binding = 2) writeonly buffer DaIn { float da_in[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;  // of dz, multiple of 4
  uint stride_in;
} pc;

void main() {
  uint s0 = 8u * gl_GlobalInvocationID.x;
  if (s0 >= pc.n) return;
  uint i0 = gl_WorkGroupID.y * IB;
  vec4 acc[2 * IB];
  [[unroll]] for (uint t = 0; t < 2u * IB; ++t) acc[t] = vec4(0.0);
  for (uint j = 0; j < OUT; ++j) {
    vec4 g0 = NF_TEXEL4(dz_rows, j, pc.stride, s0), g1 = NF_TEXEL4(dz_rows, j, pc.stride, s0 + 4u);
    [[unroll]] for (uint t = 0; t < IB; ++t) {
      float wt = texelFetch(w_texels, int(j * IN + min(i0 + t, IN - 1u))).x;
      acc[2u * t] += wt * g0;
      acc[2u * t + 1u] += wt * g1;
    }
  }
  [[unroll]] for (uint t = 0; t < IB; ++t) {
    if (i0 + t >= IN) continue;
    NF_STORE4(da_in, i0 + t, pc.stride_in, s0, pc.n, acc[2u * t]);
    NF_STORE4(da_in, i0 + t, pc.stride_in, s0 + 4u, pc.n, acc[2u * t + 1u]);
  }
}
