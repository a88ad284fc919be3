#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, forward: y_o = b_o + sum_k W_ok phi_k(F), 8 samples per invocation
// (samples 8i .. 8i + 7 for invocation i, as two vec4 quads). See rbf.glsl for the parameter layout. With TANGENT, the
// forward-mode derivative along the feature tangent F_dot instead:
//   y_dot_o = sum_k W_ok phi_k s_k,   s_k = -sum_d beta_kd (F_d - mu_kd) F_dot_d.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;
layout(constant_id = 4) const uint TANGENT = 0;

#include "rbf.glsl"

layout(std430, binding = 1) readonly buffer Features { vec4 features4[]; };  // stride_f % 4 == 0
layout(std430, binding = 2) writeonly buffer Output { vec4 y4[]; };  // stride_y % 4 == 0
layout(std430, binding = 3) readonly buffer Tangent { vec4 f_dot4[]; };  // TANGENT: D x stride_f

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
} pc;

// Each parameter load serves Q quads (measured on lavapipe: 8 samples per invocation beat 4).
const uint Q = 2u;

void main() {
  uint i0 = 4u * Q * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 f[Q][D], t[Q][D];
  [[unroll]] for (uint q = 0; q < Q; ++q)
    [[unroll]] for (uint d = 0; d < D; ++d) {
      uint iq = i0 + 4u * q;
      bool live = iq < pc.n;  // (the row may end before a second quad)
      f[q][d] = live ? nf_mask4(NF_ROW4(features4, d, pc.stride_f, iq), iq, pc.n) : vec4(0.0);
      t[q][d] = TANGENT != 0u && live ? nf_mask4(NF_ROW4(f_dot4, d, pc.stride_f, iq), iq, pc.n) : vec4(0.0);
    }
  vec4 out_[Q][O];
  [[unroll]] for (uint q = 0; q < Q; ++q)
    [[unroll]] for (uint o = 0; o < O; ++o) out_[q][o] = vec4(TANGENT != 0u ? 0.0 : rbf_b(o));
  for (uint k = 0; k < K; ++k) {
    vec4 z[Q], s[Q];
    [[unroll]] for (uint q = 0; q < Q; ++q) z[q] = s[q] = vec4(0.0);
    [[unroll]] for (uint d = 0; d < D; ++d) {
      float mu = rbf_mu(k, d), beta = rbf_beta(k, d);
      [[unroll]] for (uint q = 0; q < Q; ++q) {
        vec4 diff = f[q][d] - mu;
        vec4 bd = beta * diff;
        z[q] = fma(bd, diff, z[q]);
        if (TANGENT != 0u) s[q] = fma(-bd, t[q][d], s[q]);
      }
    }
    [[unroll]] for (uint q = 0; q < Q; ++q) {
      vec4 phi = exp(-0.5 * z[q]);
      if (TANGENT != 0u) phi *= s[q];
      [[unroll]] for (uint o = 0; o < O; ++o) out_[q][o] = fma(vec4(rbf_w(o, k)), phi, out_[q][o]);
    }
  }
  [[unroll]] for (uint q = 0; q < Q; ++q)
    if (i0 + 4u * q < pc.n)  // (samples beyond n within a quad land in the row's padding)
      [[unroll]] for (uint o = 0; o < O; ++o) NF_ROW4(y4, o, pc.stride_y, i0 + 4u * q) = out_[q][o];
}
