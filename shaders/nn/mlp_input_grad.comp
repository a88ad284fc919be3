#version 460
#extension GL_EXT_control_flow_attributes : require
// MLP, one layer backward to its input: dL/da_in[i] = sum_j W[j][i] dL/dz[j] for inputs [i0, i0 + IB)
// (i0 = workgroup y * IB), 4 samples per invocation.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint IB = 8;

layout(std430, binding = 0) readonly buffer Weights { float w[]; };
layout(std430, binding = 1) readonly buffer Dz { float dz[]; };
layout(std430, binding = 2) writeonly buffer DaIn { float da_in[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint stride_in;
} pc;

void main() {
  uint s0 = 4u * gl_GlobalInvocationID.x;
  if (s0 >= pc.n) return;
  uint i0 = gl_WorkGroupID.y * IB;
  vec4 acc[IB];
  [[unroll]] for (uint t = 0; t < IB; ++t) acc[t] = vec4(0.0);
  for (uint j = 0; j < OUT; ++j) {
    vec4 g = NF_LOAD4(dz, j, pc.stride, s0, pc.n);
    [[unroll]] for (uint t = 0; t < IB; ++t) acc[t] += w[j * IN + min(i0 + t, IN - 1u)] * g;
  }
  [[unroll]] for (uint t = 0; t < IB; ++t)
    if (i0 + t < IN) NF_STORE4(da_in, i0 + t, pc.stride_in, s0, pc.n, acc[t]);
}
