#version 460
// An analytic SDF (a sphere: |x - centre| - radius) over a feature-major batch: the reference field the
// sphere tracer is tested with. With with_gradient, also its gradient (x - centre) / |x - centre|.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Points { float x[]; };
layout(std430, binding = 1) writeonly buffer Values { float y[]; };
layout(std430, binding = 2) writeonly buffer Gradients { float grad[]; };  // 3 x stride

layout(push_constant) uniform Push {
  vec4 sphere;  // centre xyz, radius w
  uint n, stride, with_gradient;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 p = vec3(x[i], x[pc.stride + i], x[2u * pc.stride + i]);
  vec3 r = p - pc.sphere.xyz;
  y[i] = length(r) - pc.sphere.w;
  if (pc.with_gradient != 0u) {
    vec3 g = r / length(r);
    grad[i] = g.x;
    grad[pc.stride + i] = g.y;
    grad[2u * pc.stride + i] = g.z;
  }
}
