#version 460
// Samples [first, first + n) of a training step, written to rows [0, n): x = the pixel's coordinate
// (pixel.glsl), target = its stored channels. Sample i takes training pixel g: uniform with replacement
// from (seed, step, i) (random mode) or g = i (all mode: each training pixel once per step). The training
// pixels are every pixel (listed == 0) or the `listed` row-major indices in `pixels` (a strided grid, or
// every pixel outside a held-out set).
#include "common.glsl"
#include "pixel.glsl"
#include "rng.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint CHANNELS = 3;

layout(std430, binding = 0) readonly buffer Image { float image[]; };  // interleaved, row-major
layout(std430, binding = 1) readonly buffer Pixels { uint pixels[]; };  // listed training pixels
layout(std430, binding = 2) writeonly buffer Coords { float x[]; };    // 2 x stride
layout(std430, binding = 3) writeonly buffer Target { float target[]; };  // CHANNELS x stride

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
  uint listed;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint count = pc.listed != 0u ? pc.listed : pc.width * pc.height;
  uint g = pc.all != 0u ? pc.first + i : nf_sample_index(pc.seed, pc.step, pc.first + i, count);
  uint p = pc.listed != 0u ? pixels[g] : g;
  uint px = p % pc.width, py = p / pc.width;
  vec2 c = nf_pixel_coord(px, py, pc.width, pc.height, pc.corners != 0u);
  x[i] = c.x;
  x[pc.stride + i] = c.y;
  for (uint ch = 0; ch < CHANNELS; ++ch) target[ch * pc.stride + i] = image[p * CHANNELS + ch];
}
