#version 460
#extension GL_EXT_control_flow_attributes : require
// NeRF-style frequency encoding, input gradient (no parameters): per coordinate a,
//   dL/dx_a = dL/dF_a (if INCLUDE_INPUT) + sum_k 2^k pi (dL/dsin_ka cos(2^k pi x_a) - dL/dcos_ka sin(2^k pi x_a)).
#include "common.glsl"
#include "frequency.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 3;
layout(constant_id = 2) const uint OCTAVES = 10;
layout(constant_id = 3) const uint INCLUDE_INPUT = 1;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer FeatureGrad { float d_features[]; };
layout(std430, binding = 2) writeonly buffer InputGrad { float d_x[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
  uint stride_dx;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint first = INCLUDE_INPUT != 0u ? DIMS : 0u;
  [[unroll]] for (uint a = 0; a < DIMS; ++a) {
    float v = x[a * pc.stride_x + i];
    float g = INCLUDE_INPUT != 0u ? d_features[a * pc.stride_f + i] : 0.0;
    for (uint k = 0; k < OCTAVES; ++k) {
      float angle = frequency_angle(k, v);
      uint row = first + 2u * DIMS * k + a;
      g += exp2(float(k)) * 3.14159265358979323846 *
           (d_features[row * pc.stride_f + i] * cos(angle) - d_features[(row + DIMS) * pc.stride_f + i] * sin(angle));
    }
    d_x[a * pc.stride_dx + i] = g;
  }
}
