#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, forward: y_o = b_o + sum_k W_ok phi_k(F).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;  // neurons
layout(constant_id = 2) const uint D = 18;  // input features
layout(constant_id = 3) const uint O = 3;   // outputs

layout(std430, binding = 0) readonly buffer Prepared { vec2 prepared[]; };
layout(std430, binding = 1) readonly buffer Weights { float w[]; };  // [o * K + k]
layout(std430, binding = 2) readonly buffer Bias { float b[]; };
layout(std430, binding = 3) readonly buffer Features { float features[]; };
layout(std430, binding = 4) writeonly buffer Output { float y[]; };

#include "rbf.glsl"

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  float f[D];
  [[unroll]] for (uint d = 0; d < D; ++d) f[d] = features[d * pc.stride_f + i];
  float out_[O];
  [[unroll]] for (uint o = 0; o < O; ++o) out_[o] = b[o];
  for (uint k = 0; k < K; ++k) {
    float phi = rbf_phi(k, f);
    [[unroll]] for (uint o = 0; o < O; ++o) out_[o] += w[o * K + k] * phi;
  }
  [[unroll]] for (uint o = 0; o < O; ++o) y[o * pc.stride_y + i] = out_[o];
}
