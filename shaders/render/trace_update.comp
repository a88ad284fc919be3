#version 460
// Sphere tracing, after a field evaluation y of the batch from trace_positions (item i = ray rays[i]): a
// marching ray that is within epsilon of the surface is a hit; otherwise it advances by step_scale * y and
// is a miss once past its box exit. Steps taken are counted.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) buffer State { float state[]; };
layout(std430, binding = 1) readonly buffer Values { float y[]; };
layout(std430, binding = 2) readonly buffer Rays { uint rays[]; };

layout(push_constant) uniform Push {
  uint n;
  float epsilon, step_scale;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint r = rays[i];
  if (state[4u * r + 2u] != 0.0) return;
  float v = y[i];
  if (abs(v) < pc.epsilon) {
    state[4u * r + 2u] = 1.0;
    return;
  }
  float t = state[4u * r] + pc.step_scale * v;
  state[4u * r] = t;
  state[4u * r + 3u] += 1.0;
  if (t > state[4u * r + 1u] || t < 0.0) state[4u * r + 2u] = 2.0;
}
