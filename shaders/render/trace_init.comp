#version 460
// Sphere tracing, step 0: for every pixel of [first, first + n), the ray's entry into and exit from the box
// [-1, 1]^3. state[4 p + {0, 1, 2, 3}] = t, t_exit, status (0 marching, 1 hit, 2 miss), steps taken. The
// rays that enter the box are appended to the active list (count: the counter, zeroed before).
#include "common.glsl"
#include "orbit_camera.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer State { float state[]; };
layout(std430, binding = 1) writeonly buffer Rays { uint rays[]; };
layout(std430, binding = 2) buffer Counter { uint count; };

layout(push_constant) uniform Push {
  vec4 origin;   // xyz
  vec4 forward;  // xyz, w = tan(fov / 2)
  vec4 right;
  vec4 up;
  uint width, height, first, n;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint p = pc.first + i;
  vec3 d = nf_camera_dir(pc.forward.xyz, pc.right.xyz, pc.up.xyz, pc.forward.w, pc.width, pc.height, p % pc.width,
                         p / pc.width);
  vec3 o = pc.origin.xyz;
  float t0 = 0.0, t1 = 1e30;
  for (int a = 0; a < 3; ++a) {
    if (abs(d[a]) < 1e-12) {
      if (abs(o[a]) > 1.0) t1 = -1.0;
      continue;
    }
    float ta = (-1.0 - o[a]) / d[a], tb = (1.0 - o[a]) / d[a];
    t0 = max(t0, min(ta, tb));
    t1 = min(t1, max(ta, tb));
  }
  bool hits_box = t0 <= t1;
  state[4u * i] = t0;
  state[4u * i + 1u] = t1;
  state[4u * i + 2u] = hits_box ? 0.0 : 2.0;
  state[4u * i + 3u] = 0.0;
  if (hits_box) rays[atomicAdd(count, 1u)] = i;
}
