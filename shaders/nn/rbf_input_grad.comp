#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, input gradient only (no parameter gradients), 4 samples per
// invocation as the forward:  dL/dF_d = -sum_k (sum_o W_ok dy_o) phi_k beta_kd (F_d - mu_kd).
// See rbf.glsl for the parameter layout.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;

#include "rbf.glsl"

layout(std430, binding = 1) readonly buffer Features { vec4 features4[]; };  // stride_f % 4 == 0
layout(std430, binding = 2) readonly buffer OutputGrad { vec4 d_y4[]; };  // stride_y % 4 == 0
layout(std430, binding = 3) writeonly buffer FeatureGrad { vec4 d_features4[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 f[D], df[D], dy[O];
  [[unroll]] for (uint d = 0; d < D; ++d) {
    f[d] = nf_mask4(NF_ROW4(features4, d, pc.stride_f, i0), i0, pc.n);
    df[d] = vec4(0.0);
  }
  [[unroll]] for (uint o = 0; o < O; ++o) dy[o] = nf_mask4(NF_ROW4(d_y4, o, pc.stride_y, i0), i0, pc.n);
  for (uint k = 0; k < K; ++k) {
    vec4 z = vec4(0.0);
    [[unroll]] for (uint d = 0; d < D; ++d) {
      vec4 diff = f[d] - rbf_mu(k, d);
      z = fma(rbf_beta(k, d) * diff, diff, z);
    }
    vec4 g = vec4(0.0);
    [[unroll]] for (uint o = 0; o < O; ++o) g = fma(vec4(rbf_w(o, k)), dy[o], g);
    g *= exp(-0.5 * z);
    [[unroll]] for (uint d = 0; d < D; ++d) df[d] = fma(-rbf_beta(k, d) * g, f[d] - rbf_mu(k, d), df[d]);
  }
  [[unroll]] for (uint d = 0; d < D; ++d) NF_ROW4(d_features4, d, pc.stride_f, i0) = df[d];
}
