#version 460
// Sphere tracing: the current point o + t d of the rays in a list (ray rays[i] -> batch item i), as a
// feature-major batch of 3-D field inputs.
#include "common.glsl"
#include "orbit_camera.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { float state[]; };
layout(std430, binding = 1) writeonly buffer Points { float x[]; };  // 3 x stride
layout(std430, binding = 2) readonly buffer Rays { uint rays[]; };  // n rays (chunk-relative)

layout(push_constant) uniform Push {
  vec4 origin;   // xyz, w = stride of x
  vec4 forward;  // xyz, w = tan(fov / 2)
  vec4 right;
  vec4 up;
  vec4 offset;  // xyz added to every point
  uint width, height, first, n;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint r = rays[i];
  uint p = pc.first + r;
  vec3 d = nf_camera_dir(pc.forward.xyz, pc.right.xyz, pc.up.xyz, pc.forward.w, pc.width, pc.height, p % pc.width,
                         p / pc.width);
  vec3 q = pc.origin.xyz + state[4u * r] * d + pc.offset.xyz;
  uint stride = uint(pc.origin.w);
  x[i] = q.x;
  x[stride + i] = q.y;
  x[2u * stride + i] = q.z;
}
