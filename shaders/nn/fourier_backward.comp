#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian Fourier features, input gradient (B is fixed: no parameter gradients):
//   dL/dx_a = sum_j 2 pi b_ja (dL/dF_j cos(2 pi b_j . x) - dL/dF_(M+j) sin(2 pi b_j . x)).
// Four samples per invocation, as the forward.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint M = 256;

#include "fourier.glsl"

layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) readonly buffer FeatureGrad { float d_features[]; };
layout(std430, binding = 3) writeonly buffer InputGrad { float d_x[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
  uint stride_dx;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 p[DIMS], dx[DIMS];
  [[unroll]] for (uint a = 0; a < DIMS; ++a) {
    p[a] = NF_LOAD4(x, a, pc.stride_x, i0, pc.n);
    dx[a] = vec4(0.0);
  }
  for (uint j = 0; j < M; ++j) {
    vec4 angle;
    FOURIER_ANGLE(j, p, angle);
    vec4 g = NF_LOAD4(d_features, j, pc.stride_f, i0, pc.n) * cos(angle) -
             NF_LOAD4(d_features, M + j, pc.stride_f, i0, pc.n) * sin(angle);
    [[unroll]] for (uint a = 0; a < DIMS; ++a) dx[a] += (6.28318530717958647692 * fourier_freq(j, a)) * g;
  }
  [[unroll]] for (uint a = 0; a < DIMS; ++a) NF_STORE4(d_x, a, pc.stride_dx, i0, pc.n, dx[a]);
}
