#version 460
#extension GL_EXT_control_flow_attributes : require
// NeRF-style frequency encoding: F = [x (if INCLUDE_INPUT), sin(2^k pi x), cos(2^k pi x) for k < OCTAVES],
// each block over all DIMS inputs (frequency.glsl).
#include "common.glsl"
#include "frequency.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 3;
layout(constant_id = 2) const uint OCTAVES = 10;
layout(constant_id = 3) const uint INCLUDE_INPUT = 1;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Features { float features[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint out_ = 0u;
  float p[DIMS];
  [[unroll]] for (uint a = 0; a < DIMS; ++a) {
    p[a] = x[a * pc.stride_x + i];
    if (INCLUDE_INPUT != 0u) features[(out_ + a) * pc.stride_f + i] = p[a];
  }
  if (INCLUDE_INPUT != 0u) out_ += DIMS;
  for (uint k = 0; k < OCTAVES; ++k) {
    [[unroll]] for (uint a = 0; a < DIMS; ++a) {
      float angle = frequency_angle(k, p[a]);
      features[(out_ + a) * pc.stride_f + i] = sin(angle);
      features[(out_ + DIMS + a) * pc.stride_f + i] = cos(angle);
    }
    out_ += 2u * DIMS;
  }
}
