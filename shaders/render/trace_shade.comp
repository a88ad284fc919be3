#version 460
// Sphere tracing: pixel colours from the final ray state and the field's gradient at the hit.
//   view 0 shaded: grey Lambert from a head light (the view direction) plus ambient; background black.
//   view 1 normals: (n + 1) / 2 as RGB.   view 2 depth: 1 - (t - near) / (far - near), misses 0.
//   view 3 steps: steps taken / max_steps (every pixel, hit or not).
// Rays still marching after the last iteration count as hits when their last distance is below
// hit_tolerance, as misses otherwise (status is not updated for them here).
#include "common.glsl"
#include "orbit_camera.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { float state[]; };
layout(std430, binding = 1) readonly buffer Grad { float grad[]; };  // gradients at the hits, 3 x stride
layout(std430, binding = 3) readonly buffer Slot { uint slot[]; };   // ray -> its item in grad (hits only)
layout(std430, binding = 2) writeonly buffer Rgb { float rgb[]; };  // 3 per pixel, for pixels [first, first + n)

layout(push_constant) uniform Push {
  vec4 forward;  // xyz = view direction of the camera
  uint n, view, max_steps, stride;
  float near_t, far_t, pad1, pad2;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  bool hit = state[4u * i + 2u] == 1.0;
  vec3 c = vec3(0.0);
  vec3 g = vec3(0.0);
  if (hit) {
    uint k = slot[i];
    g = vec3(grad[k], grad[pc.stride + k], grad[2u * pc.stride + k]);
  }
  vec3 nrm = length(g) > 0.0 ? normalize(g) : vec3(0.0);
  if (pc.view == 3u) {
    c = vec3(state[4u * i + 3u] / float(pc.max_steps));
  } else if (hit) {
    if (pc.view == 0u) c = vec3(0.1 + 0.9 * max(dot(nrm, -pc.forward.xyz), 0.0));
    else if (pc.view == 1u) c = 0.5 * (nrm + 1.0);
    else c = vec3(clamp(1.0 - (state[4u * i] - pc.near_t) / (pc.far_t - pc.near_t), 0.0, 1.0));
  }
  rgb[3u * i] = c.x;
  rgb[3u * i + 1u] = c.y;
  rgb[3u * i + 2u] = c.z;
}
