#version 460
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_samplerless_texture_functions : require
// MLP, one layer's parameter gradients: dW[j][i] += sum_n dz[j][n] a_in[i][n], db[j] += sum_n dz[j][n],
// for a JB x IB block (j0 = workgroup x * JB, i0 = workgroup y * IB) over the samples of chunk z
// ([z chunk, (z + 1) chunk); z varies slowest, so a CPU device runs every block of one chunk while the
// chunk's rows are in its cache). A workgroup's invocations take 8 samples at a time in turn, keep the
// block's sums in private arrays and add them with one atomic per parameter at the end. Rows are read as vec4 texels (strides multiples of 4); samples
// beyond n are masked out. BIAS = 0 leaves the bias gradients alone (the tangent pass of the eikonal term
// has no bias). RELU_IN = 1: a_in holds pre-activations and the input is their ReLU (the fused forward
// stores P, not A, for unmodulated ReLU and identity layers).
#include "common.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint JB = 8;
layout(constant_id = 4) const uint IB = 8;
layout(constant_id = 5) const uint BIAS = 1;
layout(constant_id = 6) const uint RELU_IN = 0;

layout(binding = 0) uniform textureBuffer dz_rows;
layout(binding = 1) uniform textureBuffer a_rows;
layout(std430, binding = 2) buffer WeightGrad { NF_ATOMIC_FLOAT_TYPE g_w[]; };
layout(std430, binding = 3) buffer BiasGrad { NF_ATOMIC_FLOAT_TYPE g_b[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;     // of dz, multiple of 4
  uint stride_in;  // of a_in, multiple of 4
  uint chunk;      // samples per workgroup along z, a multiple of 8 x the workgroup size
} pc;

void main() {
  uint j0 = gl_WorkGroupID.x * JB, i0 = gl_WorkGroupID.y * IB;
  float acc[JB * IB], acc_b[JB];
  [[unroll]] for (uint k = 0; k < JB * IB; ++k) acc[k] = 0.0;
  [[unroll]] for (uint t = 0; t < JB; ++t) acc_b[t] = 0.0;
  uint end = min(pc.n, (gl_WorkGroupID.z + 1u) * pc.chunk);
  for (uint s0 = gl_WorkGroupID.z * pc.chunk + 8u * gl_LocalInvocationID.x; s0 < end; s0 += 8u * gl_WorkGroupSize.x) {
    // Selected, not multiplied: rows beyond n may hold anything, NaN included.
    bvec4 m0 = lessThan(uvec4(s0) + uvec4(0, 1, 2, 3), uvec4(pc.n));
    bvec4 m1 = lessThan(uvec4(s0 + 4u) + uvec4(0, 1, 2, 3), uvec4(pc.n));
    vec4 g0[JB], g1[JB];
    [[unroll]] for (uint t = 0; t < JB; ++t) {
      uint j = min(j0 + t, OUT - 1u);
      g0[t] = mix(vec4(0.0), NF_TEXEL4(dz_rows, j, pc.stride, s0), m0);
      g1[t] = mix(vec4(0.0), NF_TEXEL4(dz_rows, j, pc.stride, s0 + 4u), m1);
      acc_b[t] += dot(g0[t], vec4(1.0)) + dot(g1[t], vec4(1.0));
    }
    [[unroll]] for (uint u = 0; u < IB; ++u) {
      uint i = min(i0 + u, IN - 1u);
      vec4 a0 = NF_TEXEL4(a_rows, i, pc.stride_in, s0), a1 = NF_TEXEL4(a_rows, i, pc.stride_in, s0 + 4u);
      if (RELU_IN != 0u) a0 = max(a0, vec4(0.0)), a1 = max(a1, vec4(0.0));
      a0 = mix(vec4(0.0), a0, m0);
      a1 = mix(vec4(0.0), a1, m1);
      [[unroll]] for (uint t = 0; t < JB; ++t) acc[t * IB + u] += dot(g0[t], a0) + dot(g1[t], a1);
    }
  }
  [[unroll]] for (uint t = 0; t < JB; ++t) {
    uint j = j0 + t;
    if (j >= OUT) continue;
    [[unroll]] for (uint u = 0; u < IB; ++u)
      if (i0 + u < IN) NF_ATOMIC_ADD(g_w, j * IN + i0 + u, acc[t * IB + u]);
    if (BIAS != 0u && gl_WorkGroupID.y == 0u) NF_ATOMIC_ADD(g_b, j, acc_b[t]);
  }
}
