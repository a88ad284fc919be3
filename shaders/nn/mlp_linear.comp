#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP, one layer forward: z = W a + b for outputs [j0, j0 + JB) (j0 = workgroup y * JB) of 8 samples per
// invocation (two vec4 quads: each weight load serves 8 samples, each activation load JB outputs; on CPU
// devices loads, not arithmetic, bound this kernel). Stores z ("pre") and, unless NORMALIZE (a modulated
// hidden layer, finished by mlp_normalize), a = act(z) into a_out. The input rows (texels) and "pre" are read
// and written as vec4: their strides are multiples of 4 and samples up to the next multiple of 8 are
// readable (their results are not stored).
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
  uint i0 = 8u * gl_GlobalInvocationID.x;
  if (i0 >= pc.n) return;
  uint j0 = gl_WorkGroupID.y * JB;
  vec4 acc[2 * JB];
  [[unroll]] for (uint t = 0; t < JB; ++t)
    acc[2u * t] = acc[2u * t + 1u] = vec4(TANGENT != 0u ? 0.0 : b[min(j0 + t, OUT - 1u)]);
  if (W4 != 0u) {  // one weight load per four inputs
    for (uint i = 0; i < IN; i += 4u) {
      vec4 a[8];
      [[unroll]] for (uint k = 0; k < 4u; ++k) {
        a[2u * k] = NF_TEXEL4(a_in_rows, i + k, pc.stride_in, i0);
        a[2u * k + 1u] = NF_TEXEL4(a_in_rows, i + k, pc.stride_in, i0 + 4u);
      }
      if (RELU_IN != 0u) [[unroll]] for (uint k = 0; k < 8u; ++k) a[k] = max(a[k], vec4(0.0));
      [[unroll]] for (uint t = 0; t < JB; ++t) {
        vec4 wt = texelFetch(w_texels, int((min(j0 + t, OUT - 1u) * IN + i) >> 2u));
        acc[2u * t] += wt.x * a[0] + wt.y * a[2] + wt.z * a[4] + wt.w * a[6];
        acc[2u * t + 1u] += wt.x * a[1] + wt.y * a[3] + wt.z * a[5] + wt.w * a[7];
      }
    }
  } else {
    for (uint i = 0; i < IN; ++i) {
      vec4 a0 = NF_TEXEL4(a_in_rows, i, pc.stride_in, i0), a1 = NF_TEXEL4(a_in_rows, i, pc.stride_in, i0 + 4u);
      if (RELU_IN != 0u) a0 = max(a0, vec4(0.0)), a1 = max(a1, vec4(0.0));
      [[unroll]] for (uint t = 0; t < JB; ++t) {
        float wt = texelFetch(w_texels, int(min(j0 + t, OUT - 1u) * IN + i)).x;
        acc[2u * t] += wt * a0;
        acc[2u * t + 1u] += wt * a1;
      }
    }
  }
  [[unroll]] for (uint t = 0; t < JB; ++t) {
    uint j = j0 + t;
    if (j >= OUT) continue;
    uint row = (j * pc.stride + i0) >> 2u;
    if (TANGENT != 0u) {
      NF_STORE4(a_out, j, pc.stride_out, i0, pc.n, mlp_act_derivative(ACT, pre4[row], OMEGA) * acc[2u * t]);
      NF_STORE4(a_out, j, pc.stride_out, i0 + 4u, pc.n, mlp_act_derivative(ACT, pre4[row + 1u], OMEGA) * acc[2u * t + 1u]);
      continue;
    }
    pre4[row] = acc[2u * t];
    pre4[row + 1u] = acc[2u * t + 1u];
    if (NORMALIZE == 0u && STORE_A != 0u) {
      NF_STORE4(a_out, j, pc.stride_out, i0, pc.n, mlp_act(ACT, acc[2u * t], OMEGA));
      NF_STORE4(a_out, j, pc.stride_out, i0 + 4u, pc.n, mlp_act(ACT, acc[2u * t + 1u], OMEGA));
    }
  }
}
