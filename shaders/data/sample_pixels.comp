#version 460
// Samples [first, first + n) of a training step, written to rows [0, n): x = the pixel's coordinate
// (pixel.glsl), target = its stored channels. The pixel of sample i is uniform with replacement from
// (seed, step, i) (random mode) or pixel i itself (all mode: every pixel once per step; with pixel_stride
// k, pixel i of the grid of pixels whose coordinates are multiples of k).
#include "common.glsl"
#include "pixel.glsl"
#include "rng.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint CHANNELS = 3;

layout(std430, binding = 0) readonly buffer Image { float image[]; };  // interleaved, row-major
layout(std430, binding = 1) writeonly buffer Coords { float x[]; };    // 2 x stride
layout(std430, binding = 2) writeonly buffer Target { float target[]; };  // CHANNELS x stride

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint width;
  uint height;
  uint seed;
  uint step;
  uint corners;
  uint first;
  uint all;
  uint pixel_stride;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint px, py;
  if (pc.all != 0u) {
    uint grid_width = (pc.width + pc.pixel_stride - 1u) / pc.pixel_stride;
    uint g = pc.first + i;
    px = (g % grid_width) * pc.pixel_stride;
    py = (g / grid_width) * pc.pixel_stride;
  } else {
    uint r = nf_sample_index(pc.seed, pc.step, pc.first + i, pc.width * pc.height);
    px = r % pc.width;
    py = r / pc.width;
  }
  uint p = py * pc.width + px;
  vec2 c = nf_pixel_coord(px, py, pc.width, pc.height, pc.corners != 0u);
  x[i] = c.x;
  x[pc.stride + i] = c.y;
  for (uint ch = 0; ch < CHANNELS; ++ch) target[ch * pc.stride + i] = image[p * CHANNELS + ch];
}
