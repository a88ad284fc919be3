#version 460
// CAM's radiance modulation coordinate: the view direction d (rows [dir_row, dir_row + 3) of `dirs`) as
// (azimuth, elevation) in [-1, 1]^2: atan2(d.y, d.x) / pi and asin(d.z) * 2 / pi (+Z is up, as in NeRF's Blender
// scenes); rows 0, 1 of `out`.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Dirs { float dirs[]; };
layout(std430, binding = 1) writeonly buffer Out { float outs[]; };

layout(push_constant) uniform Push {
  uint n, dir_stride, dir_row, out_stride;
} pc;

const float PI = 3.14159265358979;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 d = vec3(dirs[pc.dir_row * pc.dir_stride + i], dirs[(pc.dir_row + 1u) * pc.dir_stride + i],
                dirs[(pc.dir_row + 2u) * pc.dir_stride + i]);
  outs[i] = (d.x == 0.0 && d.y == 0.0) ? 0.0 : atan(d.y, d.x) / PI;
  outs[pc.out_stride + i] = asin(clamp(d.z, -1.0, 1.0)) * (2.0 / PI);
}
