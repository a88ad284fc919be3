#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, forward: y_o = b_o + sum_k W_ok phi_k(F), 4 samples per invocation
// (samples 4q .. 4q + 3 for invocation q). See rbf.glsl for the parameter layout. With TANGENT, the
// forward-mode derivative along the feature tangent F_dot instead:
//   y_dot_o = sum_k W_ok phi_k s_k,   s_k = -sum_d beta_kd (F_d - mu_kd) F_dot_d.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;
layout(constant_id = 4) const uint TANGENT = 0;

#include "rbf.glsl"

layout(std430, binding = 1) readonly buffer Features { float features[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };
layout(std430, binding = 3) readonly buffer Tangent { float f_dot[]; };  // TANGENT: D x stride_f

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 f[D], t[D];
  [[unroll]] for (uint d = 0; d < D; ++d) {
    f[d] = NF_LOAD4(features, d, pc.stride_f, i0, pc.n);
    t[d] = TANGENT != 0u ? NF_LOAD4(f_dot, d, pc.stride_f, i0, pc.n) : vec4(0.0);
  }
  vec4 out_[O];
  [[unroll]] for (uint o = 0; o < O; ++o) out_[o] = vec4(TANGENT != 0u ? 0.0 : rbf_b(o));
  for (uint k = 0; k < K; ++k) {
    vec4 z = vec4(0.0), s = vec4(0.0);
    [[unroll]] for (uint d = 0; d < D; ++d) {
      vec4 diff = f[d] - rbf_mu(k, d);
      z += rbf_beta(k, d) * diff * diff;
      s -= rbf_beta(k, d) * diff * t[d];
    }
    vec4 phi = exp(-0.5 * z);
    if (TANGENT != 0u) phi *= s;
    [[unroll]] for (uint o = 0; o < O; ++o) out_[o] += rbf_w(o, k) * phi;
  }
  [[unroll]] for (uint o = 0; o < O; ++o)
    [[unroll]] for (uint s = 0; s < 4u; ++s)
      if (i0 + s < pc.n) y[o * pc.stride_y + i0 + s] = out_[o][s];
}
