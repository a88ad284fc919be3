#version 460
// CAM grids, parameter gradients of samples grouped by ray when the coordinate is the same for every sample of
// a group (a ray's view direction): per group, dL/d(gamma, beta) summed over its samples first, then one
// scatter-add of weight x sum per corner (instead of one per sample: far fewer atomics on the few cells of
// CAM's radiance grids). The coordinate is read at the group's first sample. Empty groups are skipped;
// samples of no group are cam_backward's (SKIP_GROUPED).
#include "common.glsl"
#include "cam.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint RES_X = 32;
layout(constant_id = 3) const uint LAYERS = 3;
layout(constant_id = 4) const uint RES_Y = 32;
layout(constant_id = 5) const uint RES_Z = 32;

layout(std430, binding = 0) buffer GridGrad { NF_ATOMIC_FLOAT_TYPE grid_grad[]; };
layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) readonly buffer ModulationGrad { float d_mod[]; };
layout(std430, binding = 3) readonly buffer Info { uint info[]; };  // first, count (group stride)

layout(push_constant) uniform Push {
  uint groups, group_stride, stride_x, stride_mod;
} pc;

void main() {
  uint g = nf_item_index();
  if (g >= pc.groups) return;
  uint first = info[g], count = info[pc.group_stride + g];
  if (count == 0u || (count & 0x80000000u) != 0u) return;
  vec3 p = vec3(0.0);
  for (uint a = 0; a < DIMS; ++a) p[a] = x[a * pc.stride_x + first];
  CamCorners c = cam_corners(p, DIMS, uvec3(RES_X, RES_Y, RES_Z));
  uint cells = RES_X * (DIMS > 1u ? RES_Y : 1u) * (DIMS > 2u ? RES_Z : 1u);
  for (uint l = 0; l < LAYERS; ++l) {
    float dg = 0.0, db = 0.0;
    for (uint s = first; s < first + count; ++s) {
      dg += d_mod[(2u * l) * pc.stride_mod + s];
      db += d_mod[(2u * l + 1u) * pc.stride_mod + s];
    }
    for (uint k = 0; k < (1u << DIMS); ++k) {
      uint base = (l * cells + c.cell[k]) * 2u;
      NF_ATOMIC_ADD(grid_grad, base, c.weight[k] * dg);
      NF_ATOMIC_ADD(grid_grad, base + 1u, c.weight[k] * db);
    }
  }
}
