#version 460
// Coordinates of pixels [first, first + n) of a width x height image, row-major (pixel.glsl).
#include "common.glsl"
#include "pixel.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) writeonly buffer Coords { float x[]; };  // 2 x stride

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint width;
  uint height;
  uint first;
  uint corners;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint p = pc.first + i;
  vec2 c = nf_pixel_coord(p % pc.width, p / pc.width, pc.width, pc.height, pc.corners != 0u);
  x[i] = c.x;
  x[pc.stride + i] = c.y;
}
