#version 460
// Density from a network output r = row 0 of raw: ACTIVATION 0: sigma = exp(r) (instant-ngp; its gradient
// uses exp(clamp(r, -15, 15))), 1: sigma = softplus(r + shift) (GNF: shift -10).
// Forward: sigma into row out_row of `outs`. BACKWARD: row 0 of d_raw += (row out_row of d_outs) * dsigma/dr
// (the row already holds the colour network's gradient for the same output).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint ACTIVATION = 0;
layout(constant_id = 2) const uint BACKWARD = 0;

layout(std430, binding = 0) readonly buffer Raw { float raw[]; };
layout(std430, binding = 1) buffer Outs { float outs[]; };     // forward: written; backward: d_outs, read
layout(std430, binding = 2) buffer DRaw { float d_raw[]; };    // backward only

layout(push_constant) uniform Push {
  uint n, raw_stride, out_stride, out_row;
  float shift;
} pc;

float softplus(float v) { return v > 15.0 ? v : log(1.0 + exp(v)); }

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  float r = raw[i];
  if (BACKWARD == 0u) {
    outs[pc.out_row * pc.out_stride + i] = ACTIVATION == 0u ? exp(r) : softplus(r + pc.shift);
  } else {
    float g = outs[pc.out_row * pc.out_stride + i];
    float slope = ACTIVATION == 0u ? exp(clamp(r, -15.0, 15.0)) : 1.0 / (1.0 + exp(-(r + pc.shift)));
    d_raw[i] += g * slope;
  }
}
