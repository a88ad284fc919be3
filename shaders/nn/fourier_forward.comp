#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian Fourier features: F = [sin(2 pi B x), cos(2 pi B x)] (M frequencies, B: M x DIMS, fixed).
// The phase is reduced in turns (t - round(t)) before sin/cos: phases reach hundreds of radians, where
// GPU sin/cos lose accuracy. Four samples per invocation, so that each frequency load serves four.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint M = 256;

layout(std140, binding = 0) uniform Frequencies { vec4 b4[(M * DIMS + 3u) / 4u]; };
layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) writeonly buffer Features { float features[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
} pc;

float freq(uint j, uint a) {
  uint i = j * DIMS + a;
  return b4[i >> 2u][i & 3u];
}

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 p[DIMS];
  [[unroll]] for (uint a = 0; a < DIMS; ++a)
    [[unroll]] for (uint s = 0; s < 4u; ++s) p[a][s] = i0 + s < pc.n ? x[a * pc.stride_x + i0 + s] : 0.0;
  for (uint j = 0; j < M; ++j) {
    vec4 t = vec4(0.0);
    [[unroll]] for (uint a = 0; a < DIMS; ++a) t += freq(j, a) * p[a];
    t -= round(t);
    vec4 angle = 6.28318530717958647692 * t;
    vec4 sn = sin(angle), cs = cos(angle);
    [[unroll]] for (uint s = 0; s < 4u; ++s) {
      if (i0 + s < pc.n) {
        features[j * pc.stride_f + i0 + s] = sn[s];
        features[(M + j) * pc.stride_f + i0 + s] = cs[s];
      }
    }
  }
}
