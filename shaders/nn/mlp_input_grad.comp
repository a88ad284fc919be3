#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP, one layer backward to its input: dL/da_in[i] = sum_j W[j][i] dL/dz[j] for inputs [i0, i0 + IB)
// (i0 = workgroup y * IB), 4 Q samples per invocation (see mlp_linear for the vec4 access contract).
// DERIVATIVE = 1 goes on through the previous layer's activation (unmodulated): it writes that layer's
// dL/dz = dL/da_in act'(pre) instead, pre read from binding 3 (stride as dz), and mlp_activation_backward
// is skipped for it.
#include "common.glsl"
#include "mlp.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint IB = 16;
layout(constant_id = 4) const uint W4 = 0;  // weights as RGBA texels (IN and IB multiples of 4)
layout(constant_id = 5) const uint DERIVATIVE = 0;
layout(constant_id = 6) const uint ACT = 1;  // of the previous layer, with DERIVATIVE
layout(constant_id = 7) const float OMEGA = 30.0;
layout(constant_id = 8) const uint Q = 2;  // quads (4 samples each) per invocation

layout(binding = 0) uniform textureBuffer w_texels;  // [j * IN + i]: floats (R32F), or vec4s when W4
layout(binding = 1) uniform textureBuffer dz_rows;
layout(std430, binding = 2) writeonly buffer DaIn { vec4 da_in4[]; };  // stride a multiple of 4
layout(binding = 3) uniform textureBuffer pre_rows;

layout(push_constant) uniform Push {
  uint n;
  uint stride;  // of dz, multiple of 4
  uint stride_in;
} pc;

void main() {
  uint s0 = 4u * Q * gl_GlobalInvocationID.x;
  if (s0 >= pc.n) return;
  uint i0 = gl_WorkGroupID.y * IB;
  vec4 acc[Q * IB];
  [[unroll]] for (uint t = 0; t < Q * IB; ++t) acc[t] = vec4(0.0);
  vec4 w4 = vec4(0.0);
  for (uint j = 0; j < OUT; ++j) {
    vec4 g[Q];
    [[unroll]] for (uint q = 0; q < Q; ++q) g[q] = NF_TEXEL4(dz_rows, j, pc.stride, s0 + 4u * q);
    [[unroll]] for (uint t = 0; t < IB; ++t) {
      float wt;
      if (W4 != 0u) {  // one weight load per four inputs
        if (t % 4u == 0u) w4 = texelFetch(w_texels, int((j * IN + min(i0 + t, IN - 4u)) >> 2u));
        wt = w4[t % 4u];
      } else {
        wt = texelFetch(w_texels, int(j * IN + min(i0 + t, IN - 1u))).x;
      }
      [[unroll]] for (uint q = 0; q < Q; ++q) acc[Q * t + q] += wt * g[q];
    }
  }
  [[unroll]] for (uint t = 0; t < IB; ++t) {
    uint i = i0 + t;
    if (i >= IN) continue;
    [[unroll]] for (uint q = 0; q < Q; ++q) {
      vec4 v = acc[Q * t + q];
      if (DERIVATIVE != 0u) v *= mlp_act_derivative(ACT, NF_TEXEL4(pre_rows, i, pc.stride, s0 + 4u * q), OMEGA);
      NF_STORE_ROW4(da_in4, i, pc.stride_in, s0 + 4u * q, pc.n, v);
    }
  }
}
