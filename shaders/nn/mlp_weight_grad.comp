#version 460
#extension GL_EXT_control_flow_attributes : require
// MLP, one layer's parameter gradients: dW[j][i] += sum_n dz[j][n] a_in[i][n], db[j] += sum_n dz[j][n],
// for a JB x IB block (j0 = workgroup y * JB, i0 = workgroup z * IB). Invocations along x split the
// samples (quads q = id, id + N, ...), keep the block's sums in private arrays and add them with one
// atomic per parameter at the end.
#include "common.glsl"
#include "atomics.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint JB = 8;
layout(constant_id = 4) const uint IB = 8;

layout(std430, binding = 0) readonly buffer Dz { float dz[]; };
layout(std430, binding = 1) readonly buffer AIn { float a_in[]; };
layout(std430, binding = 2) buffer WeightGrad { NF_ATOMIC_FLOAT_TYPE g_w[]; };
layout(std430, binding = 3) buffer BiasGrad { NF_ATOMIC_FLOAT_TYPE g_b[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint stride_in;
} pc;

void main() {
  uint j0 = gl_WorkGroupID.y * JB, i0 = gl_WorkGroupID.z * IB;
  float acc[JB * IB], acc_b[JB];
  [[unroll]] for (uint k = 0; k < JB * IB; ++k) acc[k] = 0.0;
  [[unroll]] for (uint t = 0; t < JB; ++t) acc_b[t] = 0.0;
  uint invocations = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint s0 = 4u * gl_GlobalInvocationID.x; s0 < pc.n; s0 += 4u * invocations) {
    vec4 g[JB], a[IB];
    [[unroll]] for (uint t = 0; t < JB; ++t) {
      g[t] = NF_LOAD4(dz, min(j0 + t, OUT - 1u), pc.stride, s0, pc.n);
      acc_b[t] += dot(g[t], vec4(1.0));
    }
    [[unroll]] for (uint u = 0; u < IB; ++u) a[u] = NF_LOAD4(a_in, min(i0 + u, IN - 1u), pc.stride_in, s0, pc.n);
    [[unroll]] for (uint t = 0; t < JB; ++t)
      [[unroll]] for (uint u = 0; u < IB; ++u) acc[t * IB + u] += dot(g[t], a[u]);
  }
  [[unroll]] for (uint t = 0; t < JB; ++t) {
    uint j = j0 + t;
    if (j >= OUT) continue;
    [[unroll]] for (uint u = 0; u < IB; ++u)
      if (i0 + u < IN) NF_ATOMIC_ADD(g_w, j * IN + i0 + u, acc[t * IB + u]);
    if (gl_WorkGroupID.z == 0u) NF_ATOMIC_ADD(g_b, j, acc_b[t]);
  }
}
