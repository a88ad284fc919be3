#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP forward, fused: every layer in one dispatch (see mlp_fused.glsl), 8 samples per invocation. The
// input rows are read as vec4 texels (stride a multiple of 4, samples up to the next multiple of 8 readable).
// STORE = 1 keeps what the backward pass needs (P, R, and A where layer_stores_a); inference leaves it out.
#include "common.glsl"
#include "mlp.glsl"
#include "mlp_fused.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 10) const uint STORE = 1;

layout(binding = 1) uniform textureBuffer x_rows;
layout(std430, binding = 2) readonly buffer Modulation { float mod_[]; };
layout(std430, binding = 3) writeonly buffer A { vec4 a4[]; };
layout(std430, binding = 4) writeonly buffer P { vec4 p4[]; };
layout(std430, binding = 5) writeonly buffer R { float r_store[]; };
layout(std430, binding = 6) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_in;
  uint stride;
  uint stride_mod;
  uint stride_y;
} pc;

uint i0;
vec4 cur[2u * MAXW];  // the layer's input activations
vec4 z[2u * MAXW];    // its pre-activations

// z = W cur + b for layer l (in_, out_ constant at every call: see mlp_fused.glsl).
void dense(uint l, uint in_, uint out_) {
  uint w0 = weight_offset(l), b0 = bias_offset(l);
  NF_UNROLL for (uint j = 0; j < out_; ++j) {
    vec4 z0 = vec4(mlp_param(b0 + j)), z1 = z0;
    NF_UNROLL for (uint i = 0; i < in_; ++i) {
      float w = mlp_param(w0 + j * in_ + i);
      z0 += w * cur[2u * i];
      z1 += w * cur[2u * i + 1u];
    }
    z[2u * j] = z0;
    z[2u * j + 1u] = z1;
  }
}

// Hidden layer l's activations from z into cur (LayerNorm and modulation first when modulated).
void hidden_activation(uint l) {
  vec4 gamma0 = vec4(1.0), gamma1 = gamma0, beta0 = vec4(0.0), beta1 = beta0;
  if (layer_modulated(l)) {
    NF_UNROLL for (uint q = 0; q < 2u; ++q) {
      vec4 mean = vec4(0.0), var = vec4(0.0);
      NF_UNROLL for (uint j = 0; j < WIDTH; ++j) mean += z[2u * j + q];
      mean /= float(WIDTH);
      NF_UNROLL for (uint j = 0; j < WIDTH; ++j) var += (z[2u * j + q] - mean) * (z[2u * j + q] - mean);
      vec4 rstd = inversesqrt(var / float(WIDTH) + 1e-5);
      NF_UNROLL for (uint j = 0; j < WIDTH; ++j) z[2u * j + q] = (z[2u * j + q] - mean) * rstd;
      if (STORE != 0u) NF_STORE4(r_store, l, pc.stride, i0 + 4u * q, pc.n, rstd);
    }
    uint m = l - FIRST_MODULATED;
    gamma0 = NF_LOAD4(mod_, 2u * m, pc.stride_mod, i0, pc.n);
    gamma1 = NF_LOAD4(mod_, 2u * m, pc.stride_mod, i0 + 4u, pc.n);
    beta0 = NF_LOAD4(mod_, 2u * m + 1u, pc.stride_mod, i0, pc.n);
    beta1 = NF_LOAD4(mod_, 2u * m + 1u, pc.stride_mod, i0 + 4u, pc.n);
  }
  float omega = layer_omega(l);
  NF_UNROLL for (uint j = 0; j < WIDTH; ++j) {
    cur[2u * j] = mlp_act(ACT, gamma0 * z[2u * j] + beta0, omega);
    cur[2u * j + 1u] = mlp_act(ACT, gamma1 * z[2u * j + 1u] + beta1, omega);
    if (STORE != 0u) {
      uint row = ((l * WIDTH + j) * pc.stride + i0) >> 2u;
      p4[row] = z[2u * j];
      p4[row + 1u] = z[2u * j + 1u];
      if (layer_stores_a(l)) {
        a4[row] = cur[2u * j];
        a4[row + 1u] = cur[2u * j + 1u];
      }
    }
  }
}

void main() {
  i0 = 8u * nf_item_index();
  if (i0 >= pc.n) return;
  NF_UNROLL for (uint i = 0; i < IN; ++i) {
    cur[2u * i] = NF_TEXEL4(x_rows, i, pc.stride_in, i0);
    cur[2u * i + 1u] = NF_TEXEL4(x_rows, i, pc.stride_in, i0 + 4u);
  }
  dense(0u, IN, WIDTH);
  hidden_activation(0u);
  NF_UNROLL for (uint l = 1; l < HIDDEN; ++l) {
    dense(l, WIDTH, WIDTH);
    hidden_activation(l);
  }
  dense(HIDDEN, WIDTH, OUT);
  NF_UNROLL for (uint j = 0; j < OUT; ++j) {
    if (STORE != 0u) {
      uint row = ((HIDDEN * WIDTH + j) * pc.stride + i0) >> 2u;
      p4[row] = z[2u * j];
      p4[row + 1u] = z[2u * j + 1u];
    }
    NF_STORE4(y, j, pc.stride_y, i0, pc.n, mlp_act(OUT_ACT, z[2u * j], 1.0));
    NF_STORE4(y, j, pc.stride_y, i0 + 4u, pc.n, mlp_act(OUT_ACT, z[2u * j + 1u], 1.0));
  }
}
