#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP, one layer forward: z = W a + b for outputs [j0, j0 + JB) (j0 = workgroup y * JB) of 4 Q samples per
// invocation (Q vec4 quads: each weight load serves 4 Q samples, each activation load JB outputs; on CPU
// devices loads, not arithmetic, bound this kernel). Stores z ("pre") and, unless NORMALIZE (a modulated
// hidden layer, finished by mlp_normalize), a = act(z) into a_out. The input rows (texels) and "pre" are read
// and written as vec4: their strides are multiples of 4 and "pre" holds samples up to the next multiple of
// 4 Q (Mlp capacities are multiples of 64); input texels past n read as anything (their results are not
// stored).
// With TANGENT: the forward-mode derivative of an unmodulated layer instead: the input rows hold the tangent
// a_dot, z_dot = W a_dot (no bias), and a_out = act'(z) z_dot with z read from "pre" (as stored by the
// forward pass, which is left untouched).
#include "common.glsl"
#include "mlp.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint JB = 16;
layout(constant_id = 4) const uint ACT = 1;
layout(constant_id = 5) const float OMEGA = 30.0;
layout(constant_id = 6) const uint NORMALIZE = 0;
layout(constant_id = 7) const uint TANGENT = 0;
layout(constant_id = 8) const uint W4 = 0;  // weights as RGBA texels, four inputs each (IN a multiple of 4)
layout(constant_id = 9) const uint RELU_IN = 0;  // the input rows are pre-activations: use their ReLU
layout(constant_id = 10) const uint STORE_A = 1;  // 0: store z only (Mlp::stores_activations)
layout(constant_id = 11) const uint Q = 2;        // quads (4 samples each) per invocation

layout(binding = 0) uniform textureBuffer w_texels;  // [j * IN + i]: floats (R32F), or vec4s when W4
layout(std430, binding = 1) readonly buffer Bias { float b[]; };
layout(binding = 2) uniform textureBuffer a_in_rows;
layout(std430, binding = 3) buffer Pre { vec4 pre4[]; };  // written, or read with TANGENT
layout(std430, binding = 4) writeonly buffer Output { float a_out[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_in;   // multiple of 4
  uint stride;      // of pre, multiple of 4
  uint stride_out;  // of a_out (the network output for the last layer)
} pc;

void main() {
  uint i0 = 4u * Q * gl_GlobalInvocationID.x;
  if (i0 >= pc.n) return;
  uint j0 = gl_WorkGroupID.y * JB;
  vec4 acc[Q * JB];
  [[unroll]] for (uint t = 0; t < JB; ++t)
    [[unroll]] for (uint q = 0; q < Q; ++q) acc[Q * t + q] = vec4(TANGENT != 0u ? 0.0 : b[min(j0 + t, OUT - 1u)]);
  if (W4 != 0u) {  // one weight load per four inputs
    for (uint i = 0; i < IN; i += 4u) {
      vec4 a[4 * Q];  // a[Q k + q]: input i + k, quad q
      [[unroll]] for (uint k = 0; k < 4u; ++k)
        [[unroll]] for (uint q = 0; q < Q; ++q) a[Q * k + q] = NF_TEXEL4(a_in_rows, i + k, pc.stride_in, i0 + 4u * q);
      if (RELU_IN != 0u) [[unroll]] for (uint k = 0; k < 4u * Q; ++k) a[k] = max(a[k], vec4(0.0));
      [[unroll]] for (uint t = 0; t < JB; ++t) {
        vec4 wt = texelFetch(w_texels, int((min(j0 + t, OUT - 1u) * IN + i) >> 2u));
        [[unroll]] for (uint q = 0; q < Q; ++q)
          acc[Q * t + q] += wt.x * a[q] + wt.y * a[Q + q] + wt.z * a[2u * Q + q] + wt.w * a[3u * Q + q];
      }
    }
  } else {
    for (uint i = 0; i < IN; ++i) {
      vec4 a[Q];
      [[unroll]] for (uint q = 0; q < Q; ++q) {
        a[q] = NF_TEXEL4(a_in_rows, i, pc.stride_in, i0 + 4u * q);
        if (RELU_IN != 0u) a[q] = max(a[q], vec4(0.0));
      }
      [[unroll]] for (uint t = 0; t < JB; ++t) {
        float wt = texelFetch(w_texels, int(min(j0 + t, OUT - 1u) * IN + i)).x;
        [[unroll]] for (uint q = 0; q < Q; ++q) acc[Q * t + q] += wt * a[q];
      }
    }
  }
  [[unroll]] for (uint t = 0; t < JB; ++t) {
    uint j = j0 + t;
    if (j >= OUT) continue;
    [[unroll]] for (uint q = 0; q < Q; ++q) {
      uint iq = i0 + 4u * q, row = (j * pc.stride + iq) >> 2u;
      vec4 v = acc[Q * t + q];
      if (TANGENT != 0u) {
        NF_STORE4(a_out, j, pc.stride_out, iq, pc.n, mlp_act_derivative(ACT, pre4[row], OMEGA) * v);
        continue;
      }
      pre4[row] = v;
      if (NORMALIZE == 0u && STORE_A != 0u) NF_STORE4(a_out, j, pc.stride_out, iq, pc.n, mlp_act(ACT, v, OMEGA));
    }
  }
}
