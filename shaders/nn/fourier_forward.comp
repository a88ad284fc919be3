#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian Fourier features: F = [sin(2 pi B x), cos(2 pi B x)] (M frequencies, B: M x DIMS, fixed; see
// fourier.glsl). Four samples per invocation, so that each frequency load serves four.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint M = 256;

#include "fourier.glsl"

layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) writeonly buffer Features { float features[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 p[DIMS];
  [[unroll]] for (uint a = 0; a < DIMS; ++a) p[a] = NF_LOAD4(x, a, pc.stride_x, i0, pc.n);
  for (uint j = 0; j < M; ++j) {
    vec4 angle;
    FOURIER_ANGLE(j, p, angle);
    vec4 sn = sin(angle), cs = cos(angle);
    NF_STORE4(features, j, pc.stride_f, i0, pc.n, sn);
    NF_STORE4(features, M + j, pc.stride_f, i0, pc.n, cs);
  }
}
