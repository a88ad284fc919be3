#version 460
// MLP forward, fused: every layer in one dispatch (see mlp_fused.glsl). STORE = 1 keeps what the backward
// pass needs (A, P, R); inference leaves it out.
#include "common.glsl"
#include "mlp.glsl"
#include "mlp_fused.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 10) const uint STORE = 1;

layout(std430, binding = 0) readonly buffer Params { float params[]; };
layout(std430, binding = 1) readonly buffer Table { uvec2 table[]; };
layout(std430, binding = 2) readonly buffer Input { float x[]; };
layout(std430, binding = 3) readonly buffer Modulation { float mod_[]; };
layout(std430, binding = 4) writeonly buffer A { float a_store[]; };
layout(std430, binding = 5) writeonly buffer P { float p_store[]; };
layout(std430, binding = 6) writeonly buffer R { float r_store[]; };
layout(std430, binding = 7) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_in;
  uint stride;
  uint stride_mod;
  uint stride_y;
} pc;

void main() {
  uint i0 = 4u * nf_item_index();
  if (i0 >= pc.n) return;
  vec4 cur[MAXW], nxt[MAXW];
  for (uint i = 0; i < IN; ++i) cur[i] = NF_LOAD4(x, i, pc.stride_in, i0, pc.n);
  for (uint l = 0; l <= HIDDEN; ++l) {
    uint in_ = layer_in(l), out_ = layer_out(l);
    uvec2 off = table[l];
    for (uint j = 0; j < out_; ++j) {
      vec4 z = vec4(params[off.y + j]);
      for (uint i = 0; i < in_; ++i) z += params[off.x + j * in_ + i] * cur[i];
      nxt[j] = z;
    }
    if (l == HIDDEN) {
      for (uint j = 0; j < OUT; ++j) {
        if (STORE != 0u) NF_STORE4(p_store, HIDDEN * WIDTH + j, pc.stride, i0, pc.n, nxt[j]);
        NF_STORE4(y, j, pc.stride_y, i0, pc.n, mlp_act(OUT_ACT, nxt[j], 1.0));
      }
      break;
    }
    vec4 gamma = vec4(1.0), beta = vec4(0.0);
    if (layer_modulated(l)) {
      vec4 mean = vec4(0.0), var = vec4(0.0);
      for (uint j = 0; j < WIDTH; ++j) mean += nxt[j];
      mean /= float(WIDTH);
      for (uint j = 0; j < WIDTH; ++j) var += (nxt[j] - mean) * (nxt[j] - mean);
      vec4 rstd = inversesqrt(var / float(WIDTH) + 1e-5);
      for (uint j = 0; j < WIDTH; ++j) nxt[j] = (nxt[j] - mean) * rstd;
      if (STORE != 0u) NF_STORE4(r_store, l, pc.stride, i0, pc.n, rstd);
      gamma = NF_LOAD4(mod_, 2u * (l - FIRST_MODULATED), pc.stride_mod, i0, pc.n);
      beta = NF_LOAD4(mod_, 2u * (l - FIRST_MODULATED) + 1u, pc.stride_mod, i0, pc.n);
    }
    for (uint j = 0; j < WIDTH; ++j) {
      if (STORE != 0u) NF_STORE4(p_store, l * WIDTH + j, pc.stride, i0, pc.n, nxt[j]);
      cur[j] = mlp_act(ACT, gamma * nxt[j] + beta, layer_omega(l));
      if (STORE != 0u) NF_STORE4(a_store, l * WIDTH + j, pc.stride, i0, pc.n, cur[j]);
    }
  }
}
