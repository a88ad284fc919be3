#version 460
// Volume rendering of ray i from its samples [first, first + count) (render/volume_renderer.hpp):
//   alpha_j = 1 - exp(-sigma_j dt_j), w_j = T_j alpha_j, T_{j+1} = T_j (1 - alpha_j), T_0 = 1;
//   C = sum_j w_j c_j + T_end bg, depth = sum_j w_j t_j, opacity = 1 - T_end,
// stopping after the sample that takes T below min_transmittance (T_end: the transmittance after the last
// sample used). Writes per ray (rows of `result`): C (0-2), depth (3), opacity (4), samples used (5).
// With LOSS != 0 (training) also the loss against the target (rays rows 6-8) and its gradient for every used
// sample: with g = dL/dC and S_j = C - sum_{i<=j} w_i c_i (what lies behind sample j, background included),
//   dL/dc_j = w_j g,   dL/dsigma_j = dt_j g . (T_{j+1} c_j - S_j)
// into d_out (rows 0-2 colour, 3 density; the caller zeroes the rest); per-ray loss and squared error sums
// into `stats` (rows 0, 1). Loss (per channel, averaged over rays x 3 with loss_scale = 1 / (3 rays)):
// LOSS 1: L2 (d^2); 2: Huber with delta (d^2 / 2 inside, delta (|d| - delta / 2) outside). Dropped rays
// (count bit 31) have no loss and no gradient. Field outputs (out): rows 0-2 colour in [0, 1], 3 density.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint LOSS = 0;

layout(std430, binding = 0) readonly buffer RayInfo { uint info[]; };  // first, count
layout(std430, binding = 1) readonly buffer Samples { float samples[]; };  // rows 6 dt, 7 t
layout(std430, binding = 2) readonly buffer Out { float outs[]; };  // 4 rows, sample stride
layout(std430, binding = 3) readonly buffer Rays { float rays[]; };  // RayRows, ray stride
layout(std430, binding = 4) writeonly buffer Result { float result[]; };  // 6 rows, ray stride
layout(std430, binding = 5) writeonly buffer DOut { float d_out[]; };  // 4 rows, sample stride
layout(std430, binding = 6) writeonly buffer Stats { float stats[]; };  // 2 rows, ray stride

layout(push_constant) uniform Push {
  uint n, ray_stride, sample_stride, pad;
  float min_transmittance, loss_scale, delta, pad2;
} pc;

vec3 colour(uint s) { return vec3(outs[s], outs[pc.sample_stride + s], outs[2u * pc.sample_stride + s]); }
float sigma(uint s) { return outs[3u * pc.sample_stride + s]; }
float dt_of(uint s) { return samples[6u * pc.sample_stride + s]; }

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint first = info[i], count = info[pc.ray_stride + i];
  bool dropped = (count & 0x80000000u) != 0u;
  count &= 0x7fffffffu;
  vec3 bg = vec3(rays[9u * pc.ray_stride + i], rays[10u * pc.ray_stride + i], rays[11u * pc.ray_stride + i]);
  float T = 1.0, depth = 0.0;
  vec3 c = vec3(0.0);
  uint used = 0u;
  for (uint j = 0u; j < count; ++j) {
    uint s = first + j;
    float alpha = 1.0 - exp(-sigma(s) * dt_of(s));
    float w = T * alpha;
    c += w * colour(s);
    depth += w * samples[7u * pc.sample_stride + s];
    T *= 1.0 - alpha;
    used = j + 1u;
    if (T < pc.min_transmittance) break;
  }
  c += T * bg;
  for (uint a = 0u; a < 3u; ++a) result[a * pc.ray_stride + i] = c[a];
  result[3u * pc.ray_stride + i] = depth;
  result[4u * pc.ray_stride + i] = 1.0 - T;
  result[5u * pc.ray_stride + i] = float(used);
  if (LOSS == 0u) return;
  if (dropped) {
    stats[i] = 0.0;
    stats[pc.ray_stride + i] = 0.0;
    return;
  }
  vec3 target = vec3(rays[6u * pc.ray_stride + i], rays[7u * pc.ray_stride + i], rays[8u * pc.ray_stride + i]);
  vec3 diff = c - target;
  vec3 g;
  float loss;
  if (LOSS == 1u) {
    loss = dot(diff, diff);
    g = 2.0 * diff;
  } else {
    vec3 a = abs(diff);
    vec3 inside = 0.5 * diff * diff, outside = pc.delta * (a - 0.5 * pc.delta);
    vec3 l = mix(outside, inside, lessThanEqual(a, vec3(pc.delta)));
    loss = l.x + l.y + l.z;
    g = clamp(diff, -pc.delta, pc.delta);
  }
  stats[i] = loss / 3.0;
  stats[pc.ray_stride + i] = dot(diff, diff) / 3.0;
  g *= pc.loss_scale;
  T = 1.0;
  vec3 front = vec3(0.0);
  for (uint j = 0u; j < used; ++j) {
    uint s = first + j;
    vec3 cj = colour(s);
    float dt = dt_of(s);
    float alpha = 1.0 - exp(-sigma(s) * dt);
    float w = T * alpha;
    front += w * cj;
    float T_next = T * (1.0 - alpha);
    vec3 d_c = w * g;
    for (uint a = 0u; a < 3u; ++a) d_out[a * pc.sample_stride + s] = d_c[a];
    d_out[3u * pc.sample_stride + s] = dt * dot(g, T_next * cj - (c - front));
    T = T_next;
  }
}
