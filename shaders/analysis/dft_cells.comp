#version 460
// Second pass: |F[r][c]| summed over channels for every cell r + c <= B of the triangle (spectrum.glsl),
// F[ch][r][c] = sum_x G[ch][r][x] exp(-2 pi i c x / N); cells outside FreSh's mask are 0.
#include "common.glsl"
#include "spectrum.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Rows { vec2 g[]; };  // C x R x N
layout(std430, binding = 1) readonly buffer Twiddles { vec2 twiddle[]; };
layout(std430, binding = 2) writeonly buffer Cells { float cell[]; };

layout(push_constant) uniform Push {
  uint n;
  uint rows;
  uint channels;
  uint diagonals;  // B
} pc;

vec2 cmul(vec2 a, vec2 b) { return vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }

void main() {
  uint i = nf_item_index();
  uint count = nf_cell_index(pc.diagonals + 1u, 0u);
  if (i >= count) return;
  uint b = uint((sqrt(8.0 * float(i) + 1.0) - 1.0) * 0.5);
  while (nf_cell_index(b + 1u, 0u) <= i) ++b;
  while (nf_cell_index(b, 0u) > i) --b;
  uint r = i - nf_cell_index(b, 0u), c = b - r;
  float magnitude = 0.0;
  if (r < pc.rows && c < pc.n && nf_spectrum_mask(r, c, pc.n)) {
    for (uint ch = 0u; ch < pc.channels; ++ch) {
      vec2 acc = vec2(0.0);
      uint k = 0u, base = (ch * pc.rows + r) * pc.n;
      for (uint x = 0u; x < pc.n; ++x) {
        acc += cmul(g[base + x], twiddle[k]);
        k += c;
        if (k >= pc.n) k -= pc.n;
      }
      magnitude += length(acc);
    }
  }
  cell[i] = magnitude;
}
