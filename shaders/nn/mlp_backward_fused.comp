#version 460
// MLP backward, fused: dL/dz of every layer (stored in DZ, rows as P) for 4 samples per invocation,
// dL/d(gamma, beta) of modulated layers, and dL/dx when INPUT_GRAD; the weight gradients follow per layer
// in mlp_weight_grad (a reduction over samples). See mlp_activation_backward for the formulas.
#include "common.glsl"
#include "mlp.glsl"
#include "mlp_fused.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 10) const uint INPUT_GRAD = 0;

layout(std430, binding = 0) readonly buffer Params { float params[]; };
layout(std430, binding = 1) readonly buffer Table { uvec2 table[]; };
layout(std430, binding = 2) readonly buffer P { float p_store[]; };
layout(std430, binding = 3) readonly buffer R { float r_store[]; };
layout(std430, binding = 4) readonly buffer Modulation { float mod_[]; };
layout(std430, binding = 5) readonly buffer Dy { float d_y[]; };
layout(std430, binding = 6) writeonly buffer Dz { float dz_store[]; };
layout(std430, binding = 7) writeonly buffer DModulation { float d_mod[]; };
layout(std430, binding = 8) writeonly buffer Dx { float d_x[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint stride_mod;
  uint stride_y;
  uint stride_in;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 g[MAXW], dz[MAXW];
  for (uint j = 0; j < OUT; ++j) {
    vec4 u = NF_LOAD4(p_store, HIDDEN * WIDTH + j, pc.stride, i0, pc.n);
    g[j] = NF_LOAD4(d_y, j, pc.stride_y, i0, pc.n) * mlp_act_derivative(OUT_ACT, u, 1.0);
  }
  for (int li = int(HIDDEN); li >= 0; --li) {
    uint l = uint(li), in_ = layer_in(l), out_ = layer_out(l);
    // g holds dL/da of this layer's output; turn it into dL/dz.
    if (l == HIDDEN) {
      for (uint j = 0; j < OUT; ++j) dz[j] = g[j];
    } else if (!layer_modulated(l)) {
      for (uint j = 0; j < WIDTH; ++j)
        dz[j] = g[j] * mlp_act_derivative(ACT, NF_LOAD4(p_store, l * WIDTH + j, pc.stride, i0, pc.n), layer_omega(l));
    } else {
      uint m = l - FIRST_MODULATED;
      vec4 gamma = NF_LOAD4(mod_, 2u * m, pc.stride_mod, i0, pc.n);
      vec4 beta = NF_LOAD4(mod_, 2u * m + 1u, pc.stride_mod, i0, pc.n);
      vec4 d_gamma = vec4(0.0), d_beta = vec4(0.0), mean_dn = vec4(0.0), mean_dn_nz = vec4(0.0);
      for (uint j = 0; j < WIDTH; ++j) {
        vec4 nz = NF_LOAD4(p_store, l * WIDTH + j, pc.stride, i0, pc.n);
        vec4 du = g[j] * mlp_act_derivative(ACT, gamma * nz + beta, layer_omega(l));
        d_gamma += du * nz;
        d_beta += du;
        mean_dn += gamma * du;
        mean_dn_nz += gamma * du * nz;
        dz[j] = du;
      }
      mean_dn /= float(WIDTH);
      mean_dn_nz /= float(WIDTH);
      vec4 rstd = NF_LOAD4(r_store, l, pc.stride, i0, pc.n);
      for (uint j = 0; j < WIDTH; ++j) {
        vec4 nz = NF_LOAD4(p_store, l * WIDTH + j, pc.stride, i0, pc.n);
        dz[j] = rstd * (gamma * dz[j] - mean_dn - nz * mean_dn_nz);
      }
      NF_STORE4(d_mod, 2u * m, pc.stride_mod, i0, pc.n, d_gamma);
      NF_STORE4(d_mod, 2u * m + 1u, pc.stride_mod, i0, pc.n, d_beta);
    }
    for (uint j = 0; j < out_; ++j) NF_STORE4(dz_store, l * WIDTH + j, pc.stride, i0, pc.n, dz[j]);
    if (l == 0u && INPUT_GRAD == 0u) break;
    uvec2 off = table[l];
    for (uint i = 0; i < in_; ++i) {
      vec4 s = vec4(0.0);
      for (uint j = 0; j < out_; ++j) s += params[off.x + j * in_ + i] * dz[j];
      g[i] = s;
    }
  }
  if (INPUT_GRAD != 0u)
    for (uint i = 0; i < IN; ++i) NF_STORE4(d_x, i, pc.stride_in, i0, pc.n, g[i]);
}
