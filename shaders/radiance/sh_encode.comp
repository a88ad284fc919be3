#version 460
// Spherical-harmonics encoding of view directions: rows [out_row, out_row + COUNT) of `outs` get Y_j(d) of
// the unit direction in rows [dir_row, dir_row + 3) of `dirs` (no parameters, no gradient: directions are
// data).
#include "common.glsl"
#include "sh.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint COUNT = 16;

layout(std430, binding = 0) readonly buffer Dirs { float dirs[]; };
layout(std430, binding = 1) writeonly buffer Outs { float outs[]; };

layout(push_constant) uniform Push {
  uint n, dir_stride, dir_row, out_stride, out_row;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 d = vec3(dirs[pc.dir_row * pc.dir_stride + i], dirs[(pc.dir_row + 1u) * pc.dir_stride + i],
                dirs[(pc.dir_row + 2u) * pc.dir_stride + i]);
  float y[16];
  nf_sh(d, COUNT, y);
  for (uint j = 0u; j < COUNT; ++j) outs[(pc.out_row + j) * pc.out_stride + i] = y[j];
}
