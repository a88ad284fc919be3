#version 460
#extension GL_EXT_control_flow_attributes : require
// MLP, one layer forward: z = W a + b for outputs [j0, j0 + JB) (j0 = workgroup y * JB) of 4 samples per
// invocation. Stores z ("pre") and, unless NORMALIZE (a CAM-modulated hidden layer, finished by
// mlp_normalize), a = act(z).
#include "common.glsl"
#include "mlp.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint OUT = 64;
layout(constant_id = 3) const uint JB = 8;
layout(constant_id = 4) const uint ACT = 1;
layout(constant_id = 5) const float OMEGA = 30.0;
layout(constant_id = 6) const uint NORMALIZE = 0;

layout(std430, binding = 0) readonly buffer Weights { float w[]; };  // [j * IN + i]
layout(std430, binding = 1) readonly buffer Bias { float b[]; };
layout(std430, binding = 2) readonly buffer Input { float a_in[]; };
layout(std430, binding = 3) writeonly buffer Pre { float pre[]; };
layout(std430, binding = 4) writeonly buffer Output { float a_out[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride_in;
  uint stride;      // of pre
  uint stride_out;  // of a_out (the network output for the last layer)
} pc;

void main() {
  uint i0 = 4u * gl_GlobalInvocationID.x;
  if (i0 >= pc.n) return;
  uint j0 = gl_WorkGroupID.y * JB;
  vec4 acc[JB];
  [[unroll]] for (uint t = 0; t < JB; ++t) acc[t] = vec4(b[min(j0 + t, OUT - 1u)]);
  for (uint i = 0; i < IN; ++i) {
    vec4 a = NF_LOAD4(a_in, i, pc.stride_in, i0, pc.n);
    [[unroll]] for (uint t = 0; t < JB; ++t) acc[t] += w[min(j0 + t, OUT - 1u) * IN + i] * a;
  }
  [[unroll]] for (uint t = 0; t < JB; ++t) {
    uint j = j0 + t;
    if (j < OUT) {
      NF_STORE4(pre, j, pc.stride, i0, pc.n, acc[t]);
      if (NORMALIZE == 0u) NF_STORE4(a_out, j, pc.stride_out, i0, pc.n, mlp_act(ACT, acc[t], OMEGA));
    }
  }
}
