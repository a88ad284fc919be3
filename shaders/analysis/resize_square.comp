#version 460
// Antialiased bilinear resize of an interleaved image (width x height x C) to C planes of N x N:
// per axis, output sample o has centre (o + 0.5) * scale in input pixels (scale = in / N), and takes the
// input pixels within scale' = max(scale, 1) of it weighted by the triangle 1 - |d| / scale',
// normalised (torchvision's resize(antialias=True) and PIL's BILINEAR).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint CHANNELS = 3;

layout(std430, binding = 0) readonly buffer Input { float image[]; };
layout(std430, binding = 1) writeonly buffer Output { float square[]; };  // C x N x N

layout(push_constant) uniform Push {
  uint width;
  uint height;
  uint n;
} pc;

// Tap range [lo, hi) and filter parameters of output sample o along an axis of `size` inputs.
void taps(uint o, uint size, out int lo, out int hi, out float center, out float inv_scale) {
  float scale = float(size) / float(pc.n);
  float support = max(scale, 1.0);
  center = (float(o) + 0.5) * scale;
  inv_scale = 1.0 / support;
  lo = max(int(center - support + 0.5), 0);
  hi = min(int(center + support + 0.5), int(size));
}

void main() {
  uint i = nf_item_index();
  if (i >= pc.n * pc.n) return;
  uint ox = i % pc.n, oy = i / pc.n;
  int x0, x1, y0, y1;
  float cx, cy, sx, sy;
  taps(ox, pc.width, x0, x1, cx, sx);
  taps(oy, pc.height, y0, y1, cy, sy);
  float acc[CHANNELS];
  for (uint ch = 0u; ch < CHANNELS; ++ch) acc[ch] = 0.0;
  float wsum_x = 0.0, wsum_y = 0.0;
  for (int x = x0; x < x1; ++x) wsum_x += max(0.0, 1.0 - abs((float(x) - cx + 0.5) * sx));
  for (int y = y0; y < y1; ++y) {
    float wy = max(0.0, 1.0 - abs((float(y) - cy + 0.5) * sy));
    wsum_y += wy;
    for (int x = x0; x < x1; ++x) {
      float w = wy * max(0.0, 1.0 - abs((float(x) - cx + 0.5) * sx));
      uint p = (uint(y) * pc.width + uint(x)) * CHANNELS;
      for (uint ch = 0u; ch < CHANNELS; ++ch) acc[ch] += w * image[p + ch];
    }
  }
  float norm = 1.0 / (wsum_x * wsum_y);
  for (uint ch = 0u; ch < CHANNELS; ++ch) square[(ch * pc.n + oy) * pc.n + ox] = acc[ch] * norm;
}
