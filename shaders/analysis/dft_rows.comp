#version 460
// First pass of the truncated 2D DFT: G[ch][r][x] = sum_y square[ch][y][x] * exp(-2 pi i r y / N) for the
// R lowest row frequencies r (twiddles[k] = exp(-2 pi i k / N), k = r y mod N, exact in integers).
#include "common.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Square { float square[]; };  // C x N x N
layout(std430, binding = 1) readonly buffer Twiddles { vec2 twiddle[]; };
layout(std430, binding = 2) writeonly buffer Rows { vec2 g[]; };      // C x R x N

layout(push_constant) uniform Push {
  uint n;
  uint rows;
  uint channels;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.channels * pc.rows * pc.n) return;
  uint x = i % pc.n, r = (i / pc.n) % pc.rows, ch = i / (pc.n * pc.rows);
  vec2 acc = vec2(0.0);
  uint k = 0u, base = ch * pc.n * pc.n + x;
  for (uint y = 0u; y < pc.n; ++y) {
    acc += square[base + y * pc.n] * twiddle[k];
    k += r;
    if (k >= pc.n) k -= pc.n;
  }
  g[i] = acc;
}
