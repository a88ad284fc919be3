#version 460
#extension GL_EXT_samplerless_texture_functions : require
// DiF-grid encoding, forward: F[feature_offset + c] = sum over corners of weight * grid value. With TANGENT,
// the forward-mode derivative along the tangent x_dot instead (the encoding is linear in the grid):
// F_dot = sum over corners of (dweight/dx . x_dot) * grid value.
#include "common.glsl"
#include "dif_grid.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint DIMS = 2;
layout(constant_id = 2) const uint LEVELS = 6;
layout(constant_id = 3) const uint TANGENT = 0;

layout(binding = 0) uniform textureBuffer grid_texels;  // floats (R32F): gathered, see common.glsl
// Per level: reso, channels, offset of its cells in the grid block, offset of its features in F.
layout(std140, binding = 1) uniform Levels { uvec4 levels[LEVELS]; };  // uniform: a gather, not a lane loop
layout(std430, binding = 2) readonly buffer Input { float x[]; };
layout(std430, binding = 3) writeonly buffer Features { float features[]; };
layout(std430, binding = 4) readonly buffer Tangent { float x_dot[]; };  // TANGENT: DIMS x stride_t

layout(push_constant) uniform Push {
  uint n;
  uint stride_x;
  uint stride_f;
  uint stride_t;  // of x_dot (TANGENT)
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 p = vec3(0.0);
  vec3 t = vec3(0.0);
  for (uint a = 0; a < DIMS; ++a) {
    p[a] = x[a * pc.stride_x + i];
    if (TANGENT != 0u) t[a] = x_dot[a * pc.stride_t + i];
  }
  for (uint l = 0; l < LEVELS; ++l) {
    uvec4 level = levels[l];
    DifCorners c = dif_corners(p, DIMS, level.x);
    float weight[8];
    for (uint k = 0; k < 8u; ++k) weight[k] = TANGENT != 0u ? dot(c.dweight[k], t) : c.weight[k];
    for (uint ch = 0; ch < level.y; ++ch) {
      float v = 0.0;
      for (uint k = 0; k < (1u << DIMS); ++k) v += weight[k] * texelFetch(grid_texels, int(level.z + c.cell[k] * level.y + ch)).x;
      features[(level.w + ch) * pc.stride_f + i] = v;
    }
  }
}
