#version 460
// GNF's radiance head: from network outputs o (rows 0 .. 3 COUNT), sigma = softplus(o_0 + shift) and colour
// c = sigmoid(sum_j Y_j(d) o_{1 + COUNT c + j}) (channel-major coefficients: R's COUNT, then G's, then B's),
// written to `outs` (rows 0-2 colour, 3 density). BACKWARD: d_o from d_outs:
//   d_o_0 = d_sigma * sigmoid(o_0 + shift),   d_o_{1 + COUNT c + j} = d_c * c (1 - c) * Y_j(d).
#include "common.glsl"
#include "sh.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint COUNT = 16;
layout(constant_id = 2) const uint BACKWARD = 0;
layout(constant_id = 3) const uint RAW = 0;  // colour = the SH sum itself, no sigmoid (FreSh's raw output)

layout(std430, binding = 0) readonly buffer O { float o[]; };
layout(std430, binding = 1) readonly buffer Dirs { float dirs[]; };
layout(std430, binding = 2) buffer Outs { float outs[]; };   // forward: written; backward: d_outs, read
layout(std430, binding = 3) writeonly buffer DO { float d_o[]; };
layout(std430, binding = 4) readonly buffer Colors { float colors[]; };  // backward: the forward's outs

layout(push_constant) uniform Push {
  uint n, o_stride, dir_stride, dir_row, out_stride;
  float shift;
} pc;

float softplus(float v) { return v > 15.0 ? v : log(1.0 + exp(v)); }

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 d = vec3(dirs[pc.dir_row * pc.dir_stride + i], dirs[(pc.dir_row + 1u) * pc.dir_stride + i],
                dirs[(pc.dir_row + 2u) * pc.dir_stride + i]);
  float y[16];
  nf_sh(d, COUNT, y);
  float o0 = o[i] + pc.shift;
  if (BACKWARD == 0u) {
    for (uint c = 0u; c < 3u; ++c) {
      float s = 0.0;
      for (uint j = 0u; j < COUNT; ++j) s += y[j] * o[(1u + COUNT * c + j) * pc.o_stride + i];
      outs[c * pc.out_stride + i] = RAW != 0u ? s : 1.0 / (1.0 + exp(-s));
    }
    outs[3u * pc.out_stride + i] = softplus(o0);
  } else {
    d_o[i] = outs[3u * pc.out_stride + i] / (1.0 + exp(-o0));
    for (uint c = 0u; c < 3u; ++c) {
      float col = colors[c * pc.out_stride + i];
      float g = outs[c * pc.out_stride + i] * (RAW != 0u ? 1.0 : col * (1.0 - col));
      for (uint j = 0u; j < COUNT; ++j) d_o[(1u + COUNT * c + j) * pc.o_stride + i] = g * y[j];
    }
  }
}
