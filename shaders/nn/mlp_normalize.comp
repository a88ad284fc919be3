#version 460
// MLP, CAM-modulated hidden layer: per sample, nz = LayerNorm(z) (parameter-free, biased variance,
// eps 1e-5), u = gamma * nz + beta, a = act(u). Replaces z by nz in "pre", stores 1 / std and a. With SEGMENT,
// a sample of a group (group_of[s] != ~0u) is normalised with its group's mean and 1 / std instead
// (mlp_segments MODE 0: GroupNorm over a ray's samples x units, CAM's radiance normalisation).
#include "common.glsl"
#include "mlp.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OUT = 64;
layout(constant_id = 2) const uint ACT = 1;
layout(constant_id = 3) const float OMEGA = 30.0;
layout(constant_id = 4) const uint SEGMENT = 0;

layout(std430, binding = 0) buffer Pre { float pre[]; };
layout(std430, binding = 1) readonly buffer Modulation { float mod_[]; };  // (gamma_l, beta_l) rows
layout(std430, binding = 2) writeonly buffer Rstd { float rstd_out[]; };
layout(std430, binding = 3) writeonly buffer Output { float a_out[]; };
layout(std430, binding = 4) readonly buffer GroupOf { uint group_of[]; };
layout(std430, binding = 5) readonly buffer Stats { float stats[]; };  // mean, 1 / std per group

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint stride_mod;
  uint mod_row;  // this layer's (gamma, beta) rows are 2 mod_row, 2 mod_row + 1
  uint group_stride;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 mean = vec4(0.0);
  for (uint j = 0; j < OUT; ++j) mean += NF_LOAD4(pre, j, pc.stride, i0, pc.n);
  mean /= float(OUT);
  vec4 var = vec4(0.0);
  for (uint j = 0; j < OUT; ++j) {
    vec4 d = NF_LOAD4(pre, j, pc.stride, i0, pc.n) - mean;
    var += d * d;
  }
  vec4 rstd = inversesqrt(var / float(OUT) + 1e-5);
  if (SEGMENT != 0u) {
    for (uint k = 0; k < 4u; ++k) {
      uint g = i0 + k < pc.n ? group_of[i0 + k] : 0xffffffffu;
      if (g == 0xffffffffu) continue;
      mean[k] = stats[g];
      rstd[k] = stats[pc.group_stride + g];
    }
  }
  vec4 gamma = NF_LOAD4(mod_, 2u * pc.mod_row, pc.stride_mod, i0, pc.n);
  vec4 beta = NF_LOAD4(mod_, 2u * pc.mod_row + 1u, pc.stride_mod, i0, pc.n);
  for (uint j = 0; j < OUT; ++j) {
    vec4 nz = (NF_LOAD4(pre, j, pc.stride, i0, pc.n) - mean) * rstd;
    NF_STORE4(pre, j, pc.stride, i0, pc.n, nz);
    NF_STORE4(a_out, j, pc.stride, i0, pc.n, mlp_act(ACT, gamma * nz + beta, OMEGA));
  }
  NF_STORE4(rstd_out, 0u, 0u, i0, pc.n, rstd);
}
