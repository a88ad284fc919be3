// MLP activations and their derivatives (nn/networks/mlp.hpp). act: 0 none, 1 relu, 2 sine (sin(omega u)),
// 3 sigmoid. Derivatives are taken with respect to the pre-activation u.
#ifndef NF_MLP_GLSL
#define NF_MLP_GLSL

vec4 mlp_act(uint act, vec4 u, float omega) {
  if (act == 1u) return max(u, vec4(0.0));
  if (act == 2u) return sin(omega * u);
  if (act == 3u) return 1.0 / (1.0 + exp(-u));
  return u;
}

vec4 mlp_act_derivative(uint act, vec4 u, float omega) {
  if (act == 1u) return vec4(greaterThan(u, vec4(0.0)));
  if (act == 2u) return omega * cos(omega * u);
  if (act == 3u) {
    vec4 s = 1.0 / (1.0 + exp(-u));
    return s * (1.0 - s);
  }
  return vec4(1.0);
}

#endif
