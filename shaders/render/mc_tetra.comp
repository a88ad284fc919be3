#version 460
// Marching tetrahedra on the GPU: the triangles of one slab of grid cubes (render/marching_cubes.hpp; the
// CPU version is the reference). Cube c of the slab splits into the six tetrahedra 0-a-b-7 around its
// main diagonal; a tetrahedron with 1 or 3 corners inside (value < 0) gives one triangle, with 2 a quad
// (two triangles). Each triangle is appended (atomic counter) as its three grid edges, (inside, outside)
// global grid-point ids each, oriented counter-clockwise seen from the positive side; the host welds the
// vertices by edge and interpolates them. Triangles beyond `capacity` are counted but not written.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Values { float v[]; };  // res * res * (layers + 1), x fastest
layout(std430, binding = 1) buffer Counter { uint count; };
layout(std430, binding = 2) writeonly buffer Triangles { uint tri[]; };  // 6 per triangle

layout(push_constant) uniform Push {
  uint res;       // grid points per axis
  uint k0;        // the slab's first cube layer (global)
  uint layers;    // cube layers in the slab
  uint capacity;  // triangles the output holds
} pc;

const ivec4 kTets[6] = ivec4[6](ivec4(0, 1, 3, 7), ivec4(0, 1, 5, 7), ivec4(0, 2, 3, 7), ivec4(0, 2, 6, 7),
                                ivec4(0, 4, 5, 7), ivec4(0, 4, 6, 7));

uint g_res;

// Local (slab) id -> grid coordinates (k local).
vec3 position(uint l) { return vec3(float(l % g_res), float((l / g_res) % g_res), float(l / (g_res * g_res))); }

vec3 vertex_at(uint a, uint b) {
  float va = v[a], vb = v[b];
  float t = va / (va - vb);
  return mix(position(a), position(b), t);
}

void emit(uint a0, uint b0, uint a1, uint b1, uint a2, uint b2, vec3 ci, vec3 co) {
  vec3 p0 = vertex_at(a0, b0), p1 = vertex_at(a1, b1), p2 = vertex_at(a2, b2);
  if (dot(cross(p1 - p0, p2 - p0), co - ci) < 0.0) {
    uint ta = a1, tb = b1;
    a1 = a2; b1 = b2;
    a2 = ta; b2 = tb;
  }
  uint idx = atomicAdd(count, 1u);
  if (idx >= pc.capacity) return;
  uint base = g_res * g_res * pc.k0;
  tri[6u * idx] = a0 + base;
  tri[6u * idx + 1u] = b0 + base;
  tri[6u * idx + 2u] = a1 + base;
  tri[6u * idx + 3u] = b1 + base;
  tri[6u * idx + 4u] = a2 + base;
  tri[6u * idx + 5u] = b2 + base;
}

void cube(uint i, uint j, uint k) {
  uint corner[8];
  int inside = 0;
  for (int q = 0; q < 8; ++q) {
    corner[q] = (i + uint(q & 1)) + pc.res * ((j + uint((q >> 1) & 1)) + pc.res * (k + uint((q >> 2) & 1)));
    inside += v[corner[q]] < 0.0 ? 1 : 0;
  }
  if (inside == 0 || inside == 8) return;
  for (int t = 0; t < 6; ++t) {
    uint ins[4], outs[4];
    int ni = 0, no = 0;
    for (int q = 0; q < 4; ++q) {
      uint g = corner[kTets[t][q]];
      if (v[g] < 0.0) ins[ni++] = g;
      else outs[no++] = g;
    }
    if (ni == 0 || no == 0) continue;
    vec3 ci = vec3(0.0), co = vec3(0.0);
    for (int q = 0; q < ni; ++q) ci += position(ins[q]) / float(ni);
    for (int q = 0; q < no; ++q) co += position(outs[q]) / float(no);
    if (ni == 1) {
      emit(ins[0], outs[0], ins[0], outs[1], ins[0], outs[2], ci, co);
    } else if (no == 1) {
      emit(ins[0], outs[0], ins[1], outs[0], ins[2], outs[0], ci, co);
    } else {
      emit(ins[0], outs[0], ins[0], outs[1], ins[1], outs[1], ci, co);
      emit(ins[0], outs[0], ins[1], outs[1], ins[1], outs[0], ci, co);
    }
  }
}

// One invocation per (i, j) column of the slab, walking its cube layers (a 1-D dispatch of (res - 1)^2
// items at most, whatever the slab's depth).
void main() {
  g_res = pc.res;
  uint c = nf_item_index();
  uint m = pc.res - 1u;
  if (c >= m * m) return;
  for (uint k = 0u; k < pc.layers; ++k) cube(c % m, c / m, k);
}
