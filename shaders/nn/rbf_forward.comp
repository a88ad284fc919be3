#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, forward: y_o = b_o + sum_k W_ok phi_k(F), 4 samples per invocation
// (samples 4q .. 4q + 3 for invocation q). See rbf.glsl for the parameter layout.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;

#include "rbf.glsl"

layout(std430, binding = 1) readonly buffer Features { float features[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 f[D];
  [[unroll]] for (uint d = 0; d < D; ++d) f[d] = NF_LOAD4(features, d, pc.stride_f, i0, pc.n);
  vec4 out_[O];
  [[unroll]] for (uint o = 0; o < O; ++o) out_[o] = vec4(rbf_b(o));
  for (uint k = 0; k < K; ++k) {
    vec4 z = vec4(0.0);
    [[unroll]] for (uint d = 0; d < D; ++d) {
      vec4 diff = f[d] - rbf_mu(k, d);
      z += rbf_beta(k, d) * diff * diff;
    }
    vec4 phi = exp(-0.5 * z);
    [[unroll]] for (uint o = 0; o < O; ++o) out_[o] += rbf_w(o, k) * phi;
  }
  [[unroll]] for (uint o = 0; o < O; ++o)
    [[unroll]] for (uint s = 0; s < 4u; ++s)
      if (i0 + s < pc.n) y[o * pc.stride_y + i0 + s] = out_[o][s];
}
