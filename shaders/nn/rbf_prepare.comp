#version 460
// Gaussian RBF layer, once per step: prepared[k * D + d] = vec2(mu_kd, exp(rho_kd)).
#include "common.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Centres { float mu[]; };
layout(std430, binding = 1) readonly buffer LogPrecision { float rho[]; };
layout(std430, binding = 2) writeonly buffer Prepared { vec2 prepared[]; };

layout(push_constant) uniform Push { uint count; } pc;

void main() {
  uint i = nf_item_index();
  if (i < pc.count) prepared[i] = vec2(mu[i], exp(rho[i]));
}
