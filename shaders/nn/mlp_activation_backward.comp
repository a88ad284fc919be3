#version 460
#extension GL_EXT_samplerless_texture_functions : require
// MLP, one layer backward through its activation (and CAM): from dL/da and the stored forward values,
// dL/dz into "dz". Modulated hidden layers (u = gamma * nz + beta, nz = LayerNorm(z)) also write
// dL/dgamma = sum_j dL/du_j nz_j and dL/dbeta = sum_j dL/du_j per sample, and
// dL/dz = rstd * (dn - mean(dn) - nz * mean(dn * nz)) with dn = gamma * dL/du. With SEGMENT (samples normalised
// over their group, mlp_normalize), PHASE 0 does the same per sample (right for samples of no group) and also
// writes the sums of dn and dn * nz over the units (rows 0, 1 of `partials`); mlp_segments MODE 1 turns them
// into the group means; PHASE 1 rewrites dL/dz of the samples of a group with their group's means.
#include "common.glsl"
#include "mlp.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OUT = 64;
layout(constant_id = 2) const uint ACT = 1;
layout(constant_id = 3) const float OMEGA = 30.0;
layout(constant_id = 4) const uint MODULATED = 0;
layout(constant_id = 5) const uint SEGMENT = 0;
layout(constant_id = 6) const uint PHASE = 0;

// dL/da and "pre" are read as vec4 texels and dL/dz written as vec4 rows (strides multiples of 4): samples
// from n to the next multiple of 4 get garbage, which the kernels reading dz mask out.
layout(binding = 0) uniform textureBuffer da_rows;
layout(binding = 1) uniform textureBuffer pre_rows;  // z, or nz when modulated
layout(std430, binding = 2) readonly buffer Modulation { float mod_[]; };
layout(std430, binding = 3) readonly buffer Rstd { float rstd_in[]; };
layout(std430, binding = 4) buffer Dz { vec4 dz4[]; };  // whole vec4s: samples up to the next 4
layout(std430, binding = 5) writeonly buffer DModulation { float d_mod[]; };
layout(std430, binding = 6) buffer Partials { float partials[]; };  // SEGMENT: 2 rows, stride
layout(std430, binding = 7) readonly buffer GroupOf { uint group_of[]; };
layout(std430, binding = 8) readonly buffer Stats { float stats[]; };  // PHASE 1: group means

layout(push_constant) uniform Push {
  uint n;
  uint stride_da;
  uint stride;
  uint stride_mod;
  uint mod_row;  // this layer's (gamma, beta) rows are 2 mod_row, 2 mod_row + 1
  uint group_stride;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  if (MODULATED == 0u) {
    for (uint j = 0; j < OUT; ++j) {
      vec4 u = NF_TEXEL4(pre_rows, j, pc.stride, i0);
      vec4 g = NF_TEXEL4(da_rows, j, pc.stride_da, i0) * mlp_act_derivative(ACT, u, OMEGA);
      NF_ROW4(dz4, j, pc.stride, i0) = g;
    }
    return;
  }
  vec4 gamma = NF_LOAD4(mod_, 2u * pc.mod_row, pc.stride_mod, i0, pc.n);
  vec4 beta = NF_LOAD4(mod_, 2u * pc.mod_row + 1u, pc.stride_mod, i0, pc.n);
  vec4 rstd = NF_LOAD4(rstd_in, 0u, 0u, i0, pc.n);
  if (SEGMENT != 0u && PHASE == 1u) {
    vec4 mean_g = vec4(0.0), mean_gn = vec4(0.0);
    bvec4 grouped = bvec4(false);
    for (uint k = 0; k < 4u; ++k) {
      uint g = i0 + k < pc.n ? group_of[i0 + k] : 0xffffffffu;
      if (g == 0xffffffffu) continue;
      grouped[k] = true;
      mean_g[k] = stats[g];
      mean_gn[k] = stats[pc.group_stride + g];
    }
    if (!any(grouped)) return;
    for (uint j = 0; j < OUT; ++j) {
      vec4 nz = NF_TEXEL4(pre_rows, j, pc.stride, i0);
      vec4 du = NF_TEXEL4(da_rows, j, pc.stride_da, i0) * mlp_act_derivative(ACT, gamma * nz + beta, OMEGA);
      vec4 dz = rstd * (gamma * du - mean_g - nz * mean_gn);
      NF_ROW4(dz4, j, pc.stride, i0) = mix(NF_ROW4(dz4, j, pc.stride, i0), dz, grouped);
    }
    return;
  }
  vec4 d_gamma = vec4(0.0), d_beta = vec4(0.0), mean_dn = vec4(0.0), mean_dn_nz = vec4(0.0);
  for (uint j = 0; j < OUT; ++j) {
    vec4 nz = NF_TEXEL4(pre_rows, j, pc.stride, i0);
    vec4 du = NF_TEXEL4(da_rows, j, pc.stride_da, i0) * mlp_act_derivative(ACT, gamma * nz + beta, OMEGA);
    d_gamma += du * nz;
    d_beta += du;
    mean_dn += gamma * du;
    mean_dn_nz += gamma * du * nz;
  }
  if (SEGMENT != 0u) {
    NF_STORE4(partials, 0u, pc.stride, i0, pc.n, mean_dn);
    NF_STORE4(partials, 1u, pc.stride, i0, pc.n, mean_dn_nz);
  }
  mean_dn /= float(OUT);
  mean_dn_nz /= float(OUT);
  for (uint j = 0; j < OUT; ++j) {
    vec4 nz = NF_TEXEL4(pre_rows, j, pc.stride, i0);
    vec4 du = NF_TEXEL4(da_rows, j, pc.stride_da, i0) * mlp_act_derivative(ACT, gamma * nz + beta, OMEGA);
    NF_ROW4(dz4, j, pc.stride, i0) = rstd * (gamma * du - mean_dn - nz * mean_dn_nz);
  }
  NF_STORE4(d_mod, 2u * pc.mod_row, pc.stride_mod, i0, pc.n, d_gamma);
  NF_STORE4(d_mod, 2u * pc.mod_row + 1u, pc.stride_mod, i0, pc.n, d_beta);
}
