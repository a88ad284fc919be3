// Gaussian RBF neuron (GNF): phi_k(F) = exp(-1/2 sum_d beta_kd (F_d - mu_kd)^2), beta = exp(rho).
// Requires, before inclusion: specialization constant D (input features) and a buffer array
// `prepared` of vec2(mu_kd, beta_kd) at [k * D + d] (written by rbf_prepare once per step).
#ifndef NF_RBF_GLSL
#define NF_RBF_GLSL

float rbf_phi(uint k, float f[D]) {
  float z = 0.0;
  [[unroll]] for (uint d = 0; d < D; ++d) {
    vec2 p = prepared[k * D + d];
    float diff = f[d] - p.x;
    z += p.y * diff * diff;
  }
  return exp(-0.5 * z);
}

#endif
