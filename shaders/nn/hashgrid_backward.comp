#version 460
// Multiresolution hash encoding, backward. With PARAM_GRAD: scatter-adds weight * dL/dF into the table
// gradients. With INPUT_GRAD: writes dL/dx[a] = sum over levels, features and corners of
// dweight/dx[a] * table value * dL/dF (hashgrid.glsl). With TANGENT (and PARAM_GRAD): the table gradient of
// the forward-mode derivative along x_dot instead: scatter-adds (dweight/dx . x_dot) * dL/dF_dot.
#include "common.glsl"
#include "hashgrid.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint LEVELS = 16;
layout(constant_id = 3) const uint FEATURES = 2;
layout(constant_id = 4) const uint PARAM_GRAD = 1;
layout(constant_id = 5) const uint INPUT_GRAD = 0;
layout(constant_id = 6) const uint TANGENT = 0;

layout(std430, binding = 0) buffer TableGrad { NF_ATOMIC_FLOAT_TYPE table_grad[]; };
layout(std430, binding = 1) readonly buffer Levels { uvec4 levels[]; };
layout(std430, binding = 2) readonly buffer Input { float x[]; };
layout(std430, binding = 3) readonly buffer FeatureGrad { float d_features[]; };
layout(std430, binding = 4) readonly buffer Table { float table[]; };
layout(std430, binding = 5) writeonly buffer InputGrad { float d_x[]; };
layout(std430, binding = 6) readonly buffer Tangent { float x_dot[]; };  // TANGENT: DIMS x stride_dx

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
  uint stride_dx;  // of d_x, or of x_dot with TANGENT
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 p = vec3(0.0);
  vec3 t = vec3(0.0);
  for (uint a = 0; a < DIMS; ++a) {
    p[a] = x[a * pc.stride_x + i];
    if (TANGENT != 0u) t[a] = x_dot[a * pc.stride_dx + i];
  }
  vec3 dx = vec3(0.0);
  for (uint l = 0; l < LEVELS; ++l) {
    HashCorners h = hash_corners(p, DIMS, levels[l]);
    float weight[8];
    for (uint k = 0; k < 8u; ++k) weight[k] = TANGENT != 0u ? dot(h.dweight[k], t) : h.weight[k];
    for (uint f = 0; f < FEATURES; ++f) {
      float g = d_features[(l * FEATURES + f) * pc.stride_f + i];
      for (uint k = 0; k < (1u << DIMS); ++k) {
        uint idx = h.entry[k] * FEATURES + f;
        if (PARAM_GRAD != 0u) NF_ATOMIC_ADD(table_grad, idx, weight[k] * g);
        if (INPUT_GRAD != 0u) dx += h.dweight[k] * (table[idx] * g);
      }
    }
  }
  if (INPUT_GRAD != 0u)
    for (uint a = 0; a < DIMS; ++a) d_x[a * pc.stride_dx + i] = dx[a];
}
