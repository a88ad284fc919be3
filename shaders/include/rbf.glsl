// Gaussian RBF layer (GNF): phi_k(F) = exp(-1/2 sum_d beta_kd (F_d - mu_kd)^2), beta = exp(rho),
// y = W phi + b.
//
// The parameters reach the kernels as one uniform buffer of vec4s written by rbf_prepare each step:
//   neuron k, dims d and d+1 (d even): vec4(mu_kd, beta_kd, mu_k(d+1), beta_k(d+1)) at k DV + d / 2;
//   W_ok at K DV + k OV + o / 4, component o % 4;  b_o at K DV + K OV + o / 4, component o % 4;
// (DV = ceil(D / 2), OV = ceil(O / 4); padding is 0). Every vector component index is a constant once
// the d and o loops are unrolled. Kernels evaluate 4 samples per invocation (vec4 arithmetic), so each
// parameter load serves 4 samples: on CPU devices (lavapipe) parameter loads, not arithmetic, bound
// these kernels.
//
// Requires, before inclusion: specialization constants K, D, O.
#ifndef NF_RBF_GLSL
#define NF_RBF_GLSL

const uint DV = (D + 1u) / 2u;
const uint OV = (O + 3u) / 4u;
const uint PREP_VEC4 = K * DV + K * OV + OV;

layout(std140, binding = 0) uniform Prepared { vec4 prepared[PREP_VEC4]; };

float rbf_mu(uint k, uint d) { return prepared[k * DV + d / 2u][(d & 1u) * 2u]; }
float rbf_beta(uint k, uint d) { return prepared[k * DV + d / 2u][(d & 1u) * 2u + 1u]; }
float rbf_w(uint o, uint k) { return prepared[K * DV + k * OV + o / 4u][o & 3u]; }
float rbf_b(uint o) { return prepared[K * DV + K * OV + o / 4u][o & 3u]; }

// Sums over the 4 samples of a vec4: acc + a . b as a chain of fused multiply-adds.
float rbf_sum4(vec4 v) { return (v.x + v.y) + (v.z + v.w); }
float rbf_dot_acc(vec4 a, vec4 b, float acc) { return fma(a.w, b.w, fma(a.z, b.z, fma(a.y, b.y, fma(a.x, b.x, acc)))); }

#endif
