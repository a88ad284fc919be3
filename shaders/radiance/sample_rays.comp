#version 460
// Rays of a posed-image dataset, written to rows of a feature-major buffer (stride pc.stride):
//   rows 0-2 origin, 3-5 unit direction (scene coordinates), 6-8 target colour (composited on the background),
//   9-11 background colour, 12 target alpha.
// Random mode (pc.view == 0xffffffff): ray i takes a pixel uniform over every pixel of every view, from
// (seed, step, i) (nf_sample_index over pc.pixels; the view by binary search of the cameras' pixel offsets).
// View mode: ray i takes pixel pc.first + i of view pc.view (row-major).
// Background: per ray uniform random colour from (seed, step, i) when pc.random_bg != 0, else pc.bg.
#include "camera.glsl"
#include "common.glsl"
#include "rng.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Cameras { vec4 cams[]; };
layout(std430, binding = 1) readonly buffer Images { uint rgba[]; };  // every view's pixels, RGBA8
layout(std430, binding = 2) writeonly buffer Rays { float rays[]; };

layout(push_constant) uniform Push {
  vec4 bg;
  uint n, stride, seed, step;
  uint pixels, views, view, first;
  uint random_bg;
} pc;

uint pixel_offset(uint v) { return floatBitsToUint(cams[v * NF_CAMERA_VEC4S + 2u].w); }

float unit(uint h) { return float(h >> 8u) * (1.0 / 16777216.0); }

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint v, p;
  if (pc.view == 0xffffffffu) {
    uint g = nf_sample_index(pc.seed, pc.step, i, pc.pixels);
    uint lo = 0u, hi = pc.views - 1u;  // the last view whose offset is <= g
    while (lo < hi) {
      uint mid = (lo + hi + 1u) >> 1u;
      if (pixel_offset(mid) <= g) lo = mid;
      else hi = mid - 1u;
    }
    v = lo;
    p = g - pixel_offset(v);
  } else {
    v = pc.view;
    p = pc.first + i;
  }
  uint base = v * NF_CAMERA_VEC4S;
  uint width = uint(cams[base + 2u].y);
  vec2 uv = vec2(float(p % width) + 0.5, float(p / width) + 0.5);
  vec3 d;
  NF_CAMERA_DIR(cams, base, uv, d);
  vec3 o = NF_CAMERA_ORIGIN(cams, base);
  vec4 c = unpackUnorm4x8(rgba[pixel_offset(v) + p]);
  vec3 bg = pc.bg.rgb;
  if (pc.random_bg != 0u) {
    uint h = nf_hash(i ^ nf_hash(pc.step ^ nf_hash(pc.seed ^ 0x5bd1e995u)));
    bg = vec3(unit(h), unit(nf_hash(h)), unit(nf_hash(h ^ 0x9e3779b9u)));
  }
  vec3 target = c.rgb * c.a + bg * (1.0 - c.a);
  for (uint a = 0u; a < 3u; ++a) {
    rays[a * pc.stride + i] = o[a];
    rays[(3u + a) * pc.stride + i] = d[a];
    rays[(6u + a) * pc.stride + i] = target[a];
    rays[(9u + a) * pc.stride + i] = bg[a];
  }
  rays[12u * pc.stride + i] = c.a;
}
