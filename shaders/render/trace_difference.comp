#version 460
// Sphere tracing, central-difference normals: one term of grad[axis] = (f(p + h e) - f(p - h e)) / 2h per
// dispatch, from a field evaluation y at offset points. first_half: write (the -h term) instead of add.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Values { float y[]; };
layout(std430, binding = 1) buffer Grad { float grad[]; };  // 3 x stride, feature-major

layout(push_constant) uniform Push {
  uint n, stride, axis, first_half;
  float scale;  // +-1 / 2h
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint g = pc.axis * pc.stride + i;
  float term = pc.scale * y[i];
  grad[g] = pc.first_half != 0u ? term : grad[g] + term;
}
