#version 460
// CAM grids, backward. With PARAM_GRAD: scatter-adds weight * dL/d(gamma, beta) into the grid gradients.
// With INPUT_GRAD: ADDS dL/dx[a] = sum over layers and corners of dweight/dx[a] * (gamma, beta) cell values
// . dL/d(gamma, beta) into d_x (the coordinate also feeds the field's encoding, which writes d_x first).
// With SKIP_GROUPED: only samples of no group (group_of[i] == ~0u); cam_backward_groups takes the others.
#include "common.glsl"
#include "cam.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint RES_X = 32;
layout(constant_id = 3) const uint LAYERS = 3;
layout(constant_id = 4) const uint PARAM_GRAD = 1;
layout(constant_id = 5) const uint INPUT_GRAD = 0;
layout(constant_id = 6) const uint RES_Y = 32;
layout(constant_id = 7) const uint RES_Z = 32;
layout(constant_id = 8) const uint SKIP_GROUPED = 0;

layout(std430, binding = 0) buffer GridGrad { NF_ATOMIC_FLOAT_TYPE grid_grad[]; };
layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) readonly buffer ModulationGrad { float d_mod[]; };
layout(std430, binding = 3) readonly buffer Grids { float grids[]; };
layout(std430, binding = 4) buffer InputGrad { float d_x[]; };
layout(std430, binding = 5) readonly buffer GroupOf { uint group_of[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_mod;
  uint stride_dx;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  if (SKIP_GROUPED != 0u && group_of[i] != 0xffffffffu) return;
  vec3 p = vec3(0.0);
  for (uint a = 0; a < DIMS; ++a) p[a] = x[a * pc.stride_x + i];
  CamCorners c = cam_corners(p, DIMS, uvec3(RES_X, RES_Y, RES_Z));
  uint cells = RES_X * (DIMS > 1u ? RES_Y : 1u) * (DIMS > 2u ? RES_Z : 1u);
  vec3 dx = vec3(0.0);
  for (uint l = 0; l < LAYERS; ++l) {
    float dg = d_mod[(2u * l) * pc.stride_mod + i], db = d_mod[(2u * l + 1u) * pc.stride_mod + i];
    for (uint k = 0; k < (1u << DIMS); ++k) {
      uint base = (l * cells + c.cell[k]) * 2u;
      if (PARAM_GRAD != 0u) {
        NF_ATOMIC_ADD(grid_grad, base, c.weight[k] * dg);
        NF_ATOMIC_ADD(grid_grad, base + 1u, c.weight[k] * db);
      }
      if (INPUT_GRAD != 0u) dx += c.dweight[k] * (grids[base] * dg + grids[base + 1u] * db);
    }
  }
  if (INPUT_GRAD != 0u)
    for (uint a = 0; a < DIMS; ++a) d_x[a * pc.stride_dx + i] += dx[a];
}
