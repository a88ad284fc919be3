#version 460
#extension GL_EXT_control_flow_attributes : require
// Gaussian RBF layer + linear output, backward, for neurons [k0, k0 + NB) (k0 a push constant; one
// dispatch per block, NB divides K). Given F and dL/dy:
//   dphi_k = sum_o W_ok dy_o,  g_k = dphi_k phi_k
//   dL/dF_d    (+)= -sum_k g_k beta_kd (F_d - mu_kd)          (per sample; accumulated over blocks)
//   dL/dmu_kd   =  beta_kd      sum_i g_ik (F_id - mu_kd)      (summed over samples)
//   dL/drho_kd  = -beta_kd / 2  sum_i g_ik (F_id - mu_kd)^2
//   dL/dW_ok    =  sum_i dy_io phi_ik,   dL/db_o = sum_i dy_io (first block)
// Each invocation takes 4 samples at a time (vec4 arithmetic; one parameter load serves 4 samples) and
// loops over quads q = id, id + N, ... (N = invocations of the dispatch), keeping its parameter sums in
// private arrays with constant indices (the block's loops are unrolled); it adds them to the gradients
// once at the end, so the atomics amortise over n / N samples.
//
// With TANGENT: the backward pass of the forward-mode derivative (rbf_forward's TANGENT) for dL/dy_dot = dy,
// given F and the feature tangent F_dot (held fixed). With s_k = -sum_d beta_kd (F_d - mu_kd) F_dot_d and
// e_kd = (F_d - mu_kd) s_k + F_dot_d:
//   dL/dF_d    (+)= -sum_k g_k beta_kd e_kd
//   dL/dmu_kd   =  beta_kd      sum_i g_ik e_ikd
//   dL/drho_kd  = -beta_kd / 2  sum_i g_ik (F_id - mu_kd) (e_ikd + F_dot_id)
//   dL/dW_ok    =  sum_i dy_io phi_ik s_ik,   dL/db_o = 0.
#include "common.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;
layout(constant_id = 4) const uint NB = 16;  // divides K
layout(constant_id = 5) const uint TANGENT = 0;

#include "rbf.glsl"

layout(std430, binding = 1) readonly buffer Features { vec4 features4[]; };  // stride_f % 4 == 0
layout(std430, binding = 2) readonly buffer OutputGrad { vec4 d_y4[]; };  // stride_y % 4 == 0
layout(std430, binding = 3) buffer FeatureGrad { vec4 d_features4[]; };
layout(std430, binding = 4) buffer CentreGrad { NF_ATOMIC_FLOAT_TYPE g_mu[]; };
layout(std430, binding = 5) buffer LogPrecisionGrad { NF_ATOMIC_FLOAT_TYPE g_rho[]; };
layout(std430, binding = 6) buffer WeightGrad { NF_ATOMIC_FLOAT_TYPE g_w[]; };
layout(std430, binding = 7) buffer BiasGrad { NF_ATOMIC_FLOAT_TYPE g_b[]; };
layout(std430, binding = 8) readonly buffer Tangent { vec4 f_dot4[]; };  // TANGENT: D x stride_f

layout(push_constant) uniform Push {
  uint n;
  uint stride_f;
  uint stride_y;
  uint k0;
} pc;

void main() {
  float acc_mu[NB * D], acc_rho[NB * D], acc_w[NB * O], acc_b[O];
  [[unroll]] for (uint j = 0; j < NB * D; ++j) {
    acc_mu[j] = 0.0;
    acc_rho[j] = 0.0;
  }
  [[unroll]] for (uint j = 0; j < NB * O; ++j) acc_w[j] = 0.0;
  [[unroll]] for (uint o = 0; o < O; ++o) acc_b[o] = 0.0;
  // The block's parameters, read once per invocation (each read of the uniform buffer inside the sample
  // loop would be repeated for every quad).
  float mu[NB * D], beta[NB * D], w_[NB * O];
  [[unroll]] for (uint j = 0; j < NB; ++j) {
    [[unroll]] for (uint d = 0; d < D; ++d) {
      mu[j * D + d] = rbf_mu(pc.k0 + j, d);
      beta[j * D + d] = rbf_beta(pc.k0 + j, d);
    }
    [[unroll]] for (uint o = 0; o < O; ++o) w_[j * O + o] = rbf_w(o, pc.k0 + j);
  }

  uint invocations = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint i0 = 4u * gl_GlobalInvocationID.x; i0 < pc.n; i0 += 4u * invocations) {
    vec4 f[D], df[D], dy[O], t[D];
    [[unroll]] for (uint d = 0; d < D; ++d) {
      f[d] = nf_mask4(NF_ROW4(features4, d, pc.stride_f, i0), i0, pc.n);
      df[d] = pc.k0 == 0u ? vec4(0.0) : NF_ROW4(d_features4, d, pc.stride_f, i0);
      t[d] = TANGENT != 0u ? nf_mask4(NF_ROW4(f_dot4, d, pc.stride_f, i0), i0, pc.n) : vec4(0.0);
    }
    [[unroll]] for (uint o = 0; o < O; ++o) {
      dy[o] = nf_mask4(NF_ROW4(d_y4, o, pc.stride_y, i0), i0, pc.n);
      if (TANGENT == 0u) acc_b[o] += rbf_sum4(dy[o]);
    }
    [[unroll]] for (uint j = 0; j < NB; ++j) {
      vec4 z = vec4(0.0), s = vec4(0.0);
      [[unroll]] for (uint d = 0; d < D; ++d) {
        vec4 diff = f[d] - mu[j * D + d];
        vec4 bd = beta[j * D + d] * diff;
        z = fma(bd, diff, z);
        if (TANGENT != 0u) s = fma(-bd, t[d], s);
      }
      vec4 phi = exp(-0.5 * z);
      vec4 dphi = vec4(0.0);
      [[unroll]] for (uint o = 0; o < O; ++o) {
        dphi = fma(vec4(w_[j * O + o]), dy[o], dphi);
        acc_w[j * O + o] = rbf_dot_acc(dy[o], TANGENT != 0u ? phi * s : phi, acc_w[j * O + o]);
      }
      vec4 g = dphi * phi;
      // (fma() states the intent; llvmpipe emits a multiply and an add either way, measured no faster.)
      [[unroll]] for (uint d = 0; d < D; ++d) {
        vec4 diff = f[d] - mu[j * D + d];
        vec4 e = TANGENT != 0u ? fma(diff, s, t[d]) : diff;
        vec4 ge = g * e;
        acc_mu[j * D + d] += rbf_sum4(ge);
        acc_rho[j * D + d] = TANGENT != 0u ? rbf_dot_acc(g * diff, e + t[d], acc_rho[j * D + d])
                                           : rbf_dot_acc(ge, diff, acc_rho[j * D + d]);
        df[d] = fma(vec4(-beta[j * D + d]), ge, df[d]);
      }
    }
    [[unroll]] for (uint d = 0; d < D; ++d) NF_ROW4(d_features4, d, pc.stride_f, i0) = df[d];
  }

  [[unroll]] for (uint j = 0; j < NB; ++j) {
    uint k = pc.k0 + j;
    [[unroll]] for (uint d = 0; d < D; ++d) {
      NF_ATOMIC_ADD(g_mu, k * D + d, beta[j * D + d] * acc_mu[j * D + d]);
      NF_ATOMIC_ADD(g_rho, k * D + d, -0.5 * beta[j * D + d] * acc_rho[j * D + d]);
    }
    [[unroll]] for (uint o = 0; o < O; ++o) NF_ATOMIC_ADD(g_w, o * K + k, acc_w[j * O + o]);
  }
  if (pc.k0 == 0u && TANGENT == 0u) {
    [[unroll]] for (uint o = 0; o < O; ++o) NF_ATOMIC_ADD(g_b, o, acc_b[o]);
  }
}
