#version 460
// CAM grids, forward: modulation rows 2l = gamma_l(x), 2l + 1 = beta_l(x) for every hidden layer l.
#include "common.glsl"
#include "cam.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint RES_X = 32;
layout(constant_id = 3) const uint LAYERS = 3;
layout(constant_id = 4) const uint RES_Y = 32;
layout(constant_id = 5) const uint RES_Z = 32;

layout(std430, binding = 0) readonly buffer Grids { float grids[]; };
layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) writeonly buffer Modulation { float mod_[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_mod;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 p = vec3(0.0);
  for (uint a = 0; a < DIMS; ++a) p[a] = x[a * pc.stride_x + i];
  CamCorners c = cam_corners(p, DIMS, uvec3(RES_X, RES_Y, RES_Z));
  uint cells = RES_X * (DIMS > 1u ? RES_Y : 1u) * (DIMS > 2u ? RES_Z : 1u);
  for (uint l = 0; l < LAYERS; ++l) {
    vec2 v = vec2(0.0);
    for (uint k = 0; k < (1u << DIMS); ++k) {
      uint base = (l * cells + c.cell[k]) * 2u;
      v += c.weight[k] * vec2(grids[base], grids[base + 1u]);
    }
    mod_[(2u * l) * pc.stride_mod + i] = v.x;
    mod_[(2u * l + 1u) * pc.stride_mod + i] = v.y;
  }
}
