#version 460
// Ray marching through the occupancy grid (render/ray_marcher.hpp), two passes over the same walk:
//   pass 0: counts ray i's samples and reserves them: first = atomicAdd(counter, count); a ray whose samples
//           would pass the capacity is dropped (count 0, bit 31 set);
//   pass 1: writes them at [first, first + count) of the sample rows:
//           0-2 field input x = (q - 0.5) * 2 / aabb_scale, 3-5 unit direction, 6 dt, 7 t,
//           and ray_of[sample] = i (the caller fills ray_of with ~0u first: slots no ray wrote).
// The walk: t from the ray's entry into the box [box_lo, box_hi] (at least t_near) to its exit, the first
// sample a fraction (jitter: random from (seed, step, i); else 0.5) of a step in; steps dt = clamp(t * cone,
// min_step, max_step); a sample is kept where its cell (at the cascade of nf_grid_mip) is occupied; from an
// empty cell the walk jumps to the next cell on the step lattice. At most max_samples per ray.
#include "camera.glsl"
#include "common.glsl"
#include "occupancy.glsl"
#include "rng.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint PASS = 0;

layout(std430, binding = 0) readonly buffer Rays { float rays[]; };   // RayRows: origin 0-2, direction 3-5
layout(std430, binding = 1) readonly buffer Bits { uint bits[]; };
layout(std430, binding = 2) buffer Counter { uint counter; };
layout(std430, binding = 3) buffer RayInfo { uint info[]; };           // 2 rows: first, count
layout(std430, binding = 4) writeonly buffer Samples { float samples[]; };
layout(std430, binding = 5) writeonly buffer RayOf { uint ray_of[]; };

layout(push_constant) uniform Push {
  vec4 box_lo;  // xyz, w = aabb_scale
  vec4 box_hi;  // xyz, w = t_near
  uint n, ray_stride, sample_stride, capacity;
  uint res, max_mip, max_samples, jitter;
  float min_step, max_step, cone;
  uint seed, step;
} pc;

float step_size(float t) { return clamp(t * pc.cone, pc.min_step, pc.max_step); }

bool occupied(uint index) { return (bits[index >> 5u] & (1u << (index & 31u))) != 0u; }

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  vec3 o = vec3(rays[i], rays[pc.ray_stride + i], rays[2u * pc.ray_stride + i]);
  vec3 d = vec3(rays[3u * pc.ray_stride + i], rays[4u * pc.ray_stride + i], rays[5u * pc.ray_stride + i]);
  vec2 range = nf_ray_box(o, d, pc.box_lo.xyz, pc.box_hi.xyz);
  float t = max(range.x, pc.box_hi.w);
  uint first = 0u, count = 0u;
  if (PASS == 1u) {
    first = info[i];
    count = info[pc.ray_stride + i];
    if (count == 0u || (count & 0x80000000u) != 0u) return;
  }
  if (t < range.y) {
    float u = pc.jitter != 0u ? float(nf_hash(i ^ nf_hash(pc.step ^ nf_hash(pc.seed ^ 0x68e31da4u))) >> 8u) *
                                    (1.0 / 16777216.0)
                              : 0.5;
    t += u * step_size(t);
    uint k = 0u;
    float scale = 2.0 / pc.box_lo.w;
    uint limit = PASS == 1u ? count : pc.max_samples;
    while (t < range.y && k < limit) {
      vec3 q = o + t * d;
      float dt = step_size(t);
      uint mip = nf_grid_mip(q, dt, pc.max_mip);
      if (occupied(nf_grid_index(q, mip, pc.res))) {
        if (PASS == 1u) {
          uint s = first + k;
          vec3 x = (q - 0.5) * scale;
          for (uint a = 0u; a < 3u; ++a) {
            samples[a * pc.sample_stride + s] = x[a];
            samples[(3u + a) * pc.sample_stride + s] = d[a];
          }
          samples[6u * pc.sample_stride + s] = dt;
          samples[7u * pc.sample_stride + s] = t;
          ray_of[s] = i;
        }
        ++k;
        t += dt;
      } else {
        float next = nf_grid_distance_to_next_cell(q, d, mip, pc.res);
        t += max(ceil(next / dt), 1.0) * dt;
      }
    }
    count = k;
  }
  if (PASS == 0u) {
    first = count > 0u ? atomicAdd(counter, count) : 0u;
    bool fits = first + count <= pc.capacity && first + count >= first;
    info[i] = fits ? first : 0u;
    info[pc.ray_stride + i] = fits ? count : 0x80000000u;
  }
}
