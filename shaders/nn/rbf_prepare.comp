#version 460
// Gaussian RBF layer, once per step: packs mu, beta = exp(rho), W and b into the layout of rbf.glsl
// (one invocation per float of the uniform buffer, padding included).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint K = 64;
layout(constant_id = 2) const uint D = 18;
layout(constant_id = 3) const uint O = 3;

layout(std430, binding = 0) readonly buffer Centres { float mu[]; };
layout(std430, binding = 1) readonly buffer LogPrecision { float rho[]; };
layout(std430, binding = 2) readonly buffer Weights { float w[]; };
layout(std430, binding = 3) readonly buffer Bias { float b[]; };
layout(std430, binding = 4) writeonly buffer Prepared { float prepared[]; };

const uint DV = (D + 1u) / 2u;
const uint OV = (O + 3u) / 4u;

void main() {
  uint i = nf_item_index();
  uint neurons = 4u * K * DV, weights = 4u * K * OV;
  float v = 0.0;
  if (i < neurons) {
    uint k = i / (4u * DV), r = i % (4u * DV), d = r / 2u;
    if (d < D) v = (r & 1u) == 0u ? mu[k * D + d] : exp(rho[k * D + d]);
  } else if (i < neurons + weights) {
    uint t = i - neurons, k = t / (4u * OV), o = t % (4u * OV);
    if (o < O) v = w[o * K + k];
  } else if (i < neurons + weights + 4u * OV) {
    uint o = i - neurons - weights;
    if (o < O) v = b[o];
  } else {
    return;
  }
  prepared[i] = v;
}
