// Cascaded occupancy grid (render/occupancy_grid.hpp): cascade k covers the cube of side 2^k centred on
// (0.5, 0.5, 0.5) in scene coordinates, at RES cells per axis; cell (x, y, z) of cascade k has index
// k RES^3 + x + RES (y + RES z); its bit is bit (index & 31) of word index >> 5 of the bitfield.
#ifndef NF_OCCUPANCY_GLSL
#define NF_OCCUPANCY_GLSL

// The finest cascade that holds q: cascade k holds max |q - 0.5| < 2^(k-1).
uint nf_grid_mip_of_pos(vec3 q, uint max_mip) {
  vec3 a = abs(q - 0.5);
  int e;
  frexp(max(max(a.x, a.y), max(a.z, 1e-30)), e);
  return uint(clamp(e + 1, 0, int(max_mip)));
}

// Marching with steps dt: at least the cascade whose cells are about as wide as a step (instant-ngp's rule:
// cells of 2^k / 128 for dt * 256 >= 1).
uint nf_grid_mip(vec3 q, float dt, uint max_mip) {
  uint m = nf_grid_mip_of_pos(q, max_mip);
  int e;
  frexp(dt * 256.0, e);
  return dt * 256.0 >= 1.0 ? uint(clamp(max(int(m), e), 0, int(max_mip))) : m;
}

// Cell coordinates (continuous) of q in cascade mip.
vec3 nf_grid_cell_coord(vec3 q, uint mip, uint res) { return ((q - 0.5) * exp2(-float(mip)) + 0.5) * float(res); }

uint nf_grid_index(vec3 q, uint mip, uint res) {
  uvec3 c = uvec3(clamp(ivec3(floor(nf_grid_cell_coord(q, mip, res))), ivec3(0), ivec3(int(res) - 1)));
  return mip * res * res * res + c.x + res * (c.y + res * c.z);
}

// Distance along d from q to where the ray leaves q's cell of cascade mip (plus a tiny margin).
float nf_grid_distance_to_next_cell(vec3 q, vec3 d, uint mip, uint res) {
  vec3 p = nf_grid_cell_coord(q, mip, res);
  vec3 target = floor(p) + step(vec3(0.0), d);
  vec3 scale = float(res) * exp2(-float(mip)) * d;  // cell coordinates per unit of t
  vec3 t = (target - p) / scale;
  t = mix(t, vec3(1e30), equal(scale, vec3(0.0)));
  return max(min(min(t.x, t.y), t.z), 0.0) + 1e-5 * exp2(float(mip)) / float(res);
}

#endif
