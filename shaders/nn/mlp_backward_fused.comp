#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP backward, fused: dL/dz of every layer (stored in DZ, rows as P, as vec4 for 8 samples per
// invocation), dL/d(gamma, beta) of modulated layers, and dL/dx when INPUT_GRAD; the weight gradients
// follow per layer in mlp_weight_grad (a reduction over samples). See mlp_activation_backward for the
// formulas and mlp_fused.glsl for the layout.
#include "common.glsl"
#include "mlp.glsl"
#include "mlp_fused.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 10) const uint INPUT_GRAD = 0;

layout(binding = 1) uniform textureBuffer p_rows;
layout(std430, binding = 2) readonly buffer R { float r_store[]; };
layout(std430, binding = 3) readonly buffer Modulation { float mod_[]; };
layout(std430, binding = 4) readonly buffer Dy { float d_y[]; };
layout(std430, binding = 5) writeonly buffer Dz { vec4 dz4[]; };
layout(std430, binding = 6) writeonly buffer DModulation { float d_mod[]; };
layout(std430, binding = 7) writeonly buffer Dx { float d_x[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint stride_mod;
  uint stride_y;
  uint stride_in;
} pc;

uint i0;
vec4 g[2u * MAXW];   // dL/da of the layer's outputs, then dL/da of its inputs
vec4 dz[2u * MAXW];  // dL/dz of the layer's outputs

void store_dz(uint l, uint out_) {
  NF_UNROLL for (uint j = 0; j < out_; ++j) {
    uint row = ((l * WIDTH + j) * pc.stride + i0) >> 2u;
    dz4[row] = dz[2u * j];
    dz4[row + 1u] = dz[2u * j + 1u];
  }
}

// dz from g for hidden layer l (through the activation, and the modulation and LayerNorm when modulated).
void hidden_dz(uint l) {
  float omega = layer_omega(l);
  if (!layer_modulated(l)) {
    NF_UNROLL for (uint j = 0; j < WIDTH; ++j) {
      uint row = l * WIDTH + j;
      dz[2u * j] = g[2u * j] * mlp_act_derivative(ACT, NF_TEXEL4(p_rows, row, pc.stride, i0), omega);
      dz[2u * j + 1u] = g[2u * j + 1u] * mlp_act_derivative(ACT, NF_TEXEL4(p_rows, row, pc.stride, i0 + 4u), omega);
    }
    return;
  }
  uint m = l - FIRST_MODULATED;
  NF_UNROLL for (uint q = 0; q < 2u; ++q) {
    uint s0 = i0 + 4u * q;
    vec4 gamma = NF_LOAD4(mod_, 2u * m, pc.stride_mod, s0, pc.n);
    vec4 beta = NF_LOAD4(mod_, 2u * m + 1u, pc.stride_mod, s0, pc.n);
    vec4 d_gamma = vec4(0.0), d_beta = vec4(0.0), mean_dn = vec4(0.0), mean_dn_nz = vec4(0.0);
    NF_UNROLL for (uint j = 0; j < WIDTH; ++j) {
      vec4 nz = NF_TEXEL4(p_rows, l * WIDTH + j, pc.stride, s0);
      vec4 du = g[2u * j + q] * mlp_act_derivative(ACT, gamma * nz + beta, omega);
      d_gamma += du * nz;
      d_beta += du;
      mean_dn += gamma * du;
      mean_dn_nz += gamma * du * nz;
      dz[2u * j + q] = du;
      g[2u * j + q] = nz;  // g is rewritten by the next input gradient: keep nz here meanwhile
    }
    mean_dn /= float(WIDTH);
    mean_dn_nz /= float(WIDTH);
    vec4 rstd = NF_LOAD4(r_store, l, pc.stride, s0, pc.n);
    NF_UNROLL for (uint j = 0; j < WIDTH; ++j)
      dz[2u * j + q] = rstd * (gamma * dz[2u * j + q] - mean_dn - g[2u * j + q] * mean_dn_nz);
    NF_STORE4(d_mod, 2u * m, pc.stride_mod, s0, pc.n, d_gamma);
    NF_STORE4(d_mod, 2u * m + 1u, pc.stride_mod, s0, pc.n, d_beta);
  }
}

// g = W^T dz for layer l (in_, out_ constant at every call: see mlp_fused.glsl).
void input_grad(uint l, uint in_, uint out_) {
  uint w0 = weight_offset(l);
  NF_UNROLL for (uint i = 0; i < in_; ++i) {
    vec4 s0 = vec4(0.0), s1 = vec4(0.0);
    NF_UNROLL for (uint j = 0; j < out_; ++j) {
      float w = mlp_param(w0 + j * in_ + i);
      s0 += w * dz[2u * j];
      s1 += w * dz[2u * j + 1u];
    }
    g[2u * i] = s0;
    g[2u * i + 1u] = s1;
  }
}

void main() {
  i0 = 8u * nf_item_index();
  if (i0 >= pc.n) return;
  NF_UNROLL for (uint j = 0; j < OUT; ++j) {
    uint row = HIDDEN * WIDTH + j;
    dz[2u * j] = NF_LOAD4(d_y, j, pc.stride_y, i0, pc.n) * mlp_act_derivative(OUT_ACT, NF_TEXEL4(p_rows, row, pc.stride, i0), 1.0);
    dz[2u * j + 1u] = NF_LOAD4(d_y, j, pc.stride_y, i0 + 4u, pc.n) *
                      mlp_act_derivative(OUT_ACT, NF_TEXEL4(p_rows, row, pc.stride, i0 + 4u), 1.0);
  }
  store_dz(HIDDEN, OUT);
  input_grad(HIDDEN, WIDTH, OUT);
  NF_UNROLL for (uint k = 1; k < HIDDEN; ++k) {
    uint l = HIDDEN - k;
    hidden_dz(l);
    store_dz(l, WIDTH);
    input_grad(l, WIDTH, WIDTH);
  }
  hidden_dz(0u);
  store_dz(0u, WIDTH);
  if (INPUT_GRAD != 0u) {
    input_grad(0u, IN, WIDTH);
    NF_UNROLL for (uint i = 0; i < IN; ++i) {
      NF_STORE4(d_x, i, pc.stride_in, i0, pc.n, g[2u * i]);
      NF_STORE4(d_x, i, pc.stride_in, i0 + 4u, pc.n, g[2u * i + 1u]);
    }
  }
}
