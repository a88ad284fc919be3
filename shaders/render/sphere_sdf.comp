#version 460
// An analytic SDF (a sphere: |x - centre| - radius) over a feature-major batch: the reference field the
// sphere tracer is tested with.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Points { float x[]; };
layout(std430, binding = 1) writeonly buffer Values { float y[]; };

layout(push_constant) uniform Push {
  vec4 sphere;  // centre xyz, radius w
  uint n, stride;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 p = vec3(x[i], x[pc.stride + i], x[2u * pc.stride + i]);
  y[i] = length(p - pc.sphere.xyz) - pc.sphere.w;
}
