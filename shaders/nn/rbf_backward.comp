#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, backward. Given F and dL/dy:
//   dphi_k = sum_o W_ok dy_o,  g_k = dphi_k phi_k
//   dL/dF_d   = -sum_k g_k beta_kd (F_d - mu_kd)                 (per sample, written to d_features)
//   dL/dmu_kd =  beta_kd      sum_i g_ik (F_id - mu_kd)          (summed over samples)
//   dL/drho_kd = -beta_kd / 2 sum_i g_ik (F_id - mu_kd)^2
//   dL/dW_ok  =  sum_i dy_io phi_ik,   dL/db_o = sum_i dy_io
//
// Each workgroup loops over tiles of TILE samples. Phase A: one invocation per sample computes phi and
// dL/dF and stages phi, F and dy in shared memory. Phase B: one invocation per neuron k accumulates its
// parameter gradients over the tile's samples in registers. After its last tile the workgroup adds its
// sums to the gradient buffers (one atomic per parameter per workgroup).
#include "common.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;
layout(constant_id = 4) const uint TILE = 64;  // <= workgroup size; K, O <= workgroup size

layout(std430, binding = 0) readonly buffer Prepared { vec2 prepared[]; };
layout(std430, binding = 1) readonly buffer Weights { float w[]; };
layout(std430, binding = 2) readonly buffer Features { float features[]; };
layout(std430, binding = 3) readonly buffer OutputGrad { float d_y[]; };
layout(std430, binding = 4) writeonly buffer FeatureGrad { float d_features[]; };
layout(std430, binding = 5) buffer CentreGrad { NF_ATOMIC_FLOAT_TYPE g_mu[]; };
layout(std430, binding = 6) buffer LogPrecisionGrad { NF_ATOMIC_FLOAT_TYPE g_rho[]; };
layout(std430, binding = 7) buffer WeightGrad { NF_ATOMIC_FLOAT_TYPE g_w[]; };
layout(std430, binding = 8) buffer BiasGrad { NF_ATOMIC_FLOAT_TYPE g_b[]; };

#include "rbf.glsl"

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
} pc;

// Padded rows (TILE + 1) keep both phases free of shared-memory bank conflicts on GPUs.
shared float s_phi[K * (TILE + 1)];
shared float s_f[D * TILE];
shared float s_dy[O * TILE];

void main() {
  uint lid = gl_LocalInvocationID.x;
  uint tiles = (pc.n + TILE - 1) / TILE;
  uint groups = gl_NumWorkGroups.x;

  // Phase B state: this invocation's neuron (k = lid < K) and output (o = lid < O).
  float mu_k[D], beta_k[D], acc_mu[D], acc_rho[D];
  float w_k[O], acc_w[O];
  float acc_b = 0.0;
  [[unroll]] for (uint d = 0; d < D; ++d) {
    vec2 p = lid < K ? prepared[lid * D + d] : vec2(0.0);
    mu_k[d] = p.x;
    beta_k[d] = p.y;
    acc_mu[d] = 0.0;
    acc_rho[d] = 0.0;
  }
  [[unroll]] for (uint o = 0; o < O; ++o) {
    w_k[o] = lid < K ? w[o * K + lid] : 0.0;
    acc_w[o] = 0.0;
  }

  for (uint tile = gl_WorkGroupID.x; tile < tiles; tile += groups) {
    // Phase A: per sample.
    if (lid < TILE) {
      uint i = tile * TILE + lid;
      bool live = i < pc.n;
      float f[D], dy[O], df[D];
      [[unroll]] for (uint d = 0; d < D; ++d) {
        f[d] = live ? features[d * pc.stride_f + i] : 0.0;
        df[d] = 0.0;
      }
      [[unroll]] for (uint o = 0; o < O; ++o) dy[o] = live ? d_y[o * pc.stride_y + i] : 0.0;
      for (uint k = 0; k < K; ++k) {
        float phi = rbf_phi(k, f);
        float dphi = 0.0;
        [[unroll]] for (uint o = 0; o < O; ++o) dphi += w[o * K + k] * dy[o];
        float g = dphi * phi;
        [[unroll]] for (uint d = 0; d < D; ++d) {
          vec2 p = prepared[k * D + d];
          df[d] -= g * p.y * (f[d] - p.x);
        }
        s_phi[k * (TILE + 1) + lid] = phi;
      }
      if (live)
        [[unroll]] for (uint d = 0; d < D; ++d) d_features[d * pc.stride_f + i] = df[d];
      [[unroll]] for (uint d = 0; d < D; ++d) s_f[d * TILE + lid] = f[d];
      [[unroll]] for (uint o = 0; o < O; ++o) s_dy[o * TILE + lid] = dy[o];
    }
    barrier();
    // Phase B: per neuron.
    if (lid < K) {
      for (uint s = 0; s < TILE; ++s) {
        float phi = s_phi[lid * (TILE + 1) + s];
        float dphi = 0.0;
        [[unroll]] for (uint o = 0; o < O; ++o) {
          float dy = s_dy[o * TILE + s];
          dphi += w_k[o] * dy;
          acc_w[o] += dy * phi;
        }
        float g = dphi * phi;
        [[unroll]] for (uint d = 0; d < D; ++d) {
          float diff = s_f[d * TILE + s] - mu_k[d];
          float gd = g * diff;
          acc_mu[d] += gd;
          acc_rho[d] += gd * diff;
        }
      }
    }
    if (lid < O)
      for (uint s = 0; s < TILE; ++s) acc_b += s_dy[lid * TILE + s];
    barrier();
  }

  if (lid < K) {
    [[unroll]] for (uint d = 0; d < D; ++d) {
      NF_ATOMIC_ADD(g_mu, lid * D + d, beta_k[d] * acc_mu[d]);
      NF_ATOMIC_ADD(g_rho, lid * D + d, -0.5 * beta_k[d] * acc_rho[d]);
    }
    [[unroll]] for (uint o = 0; o < O; ++o) NF_ATOMIC_ADD(g_w, o * K + lid, acc_w[o]);
  }
  if (lid < O) NF_ATOMIC_ADD(g_b, lid, acc_b);
}
