// Multiresolution hash encoding (instant-ngp / tiny-cuda-nn), shared by forward and backward.
//
// x in [-1,1]^DIMS maps to u = (x + 1) / 2 in [0,1]^DIMS. Level l (table entry `levels[l]`):
//   .x = res (vertices per axis), .y = first entry, .z = entries (bit 31 set: hashed), .w = scale bits.
// p = scale * u + 0.5, cell = floor(p), weight = p - cell; vertex index: dense x + y res (+ z res^2), or
// the spatial hash x ^ y * 2654435761 ^ z * 805459861; both modulo the level's entries. The scale and
// resolution per level are computed once on the host in float32, as tiny-cuda-nn does.
// dweight[k][a] = d weight[k] / d x[a]: the product rule on the corner's per-axis factors, with
// dp/dx = scale / 2 (the derivative inside a cell; cell boundaries are measure zero).
#ifndef NF_HASHGRID_GLSL
#define NF_HASHGRID_GLSL

struct HashCorners {
  uint entry[8];  // first entry of the vertex (multiply by features per level)
  float weight[8];
  vec3 dweight[8];
};

HashCorners hash_corners(vec3 x, uint dims, uvec4 level) {
  uint res = level.x, first = level.y, entries = level.z & 0x7FFFFFFFu;
  bool hashed = (level.z & 0x80000000u) != 0u;
  float scale = uintBitsToFloat(level.w);
  uint cell[3];
  float w[3];
  for (uint a = 0; a < 3; ++a) {
    cell[a] = 0u;
    w[a] = 0.0;
    if (a < dims) {
      float p = fma(scale, (x[a] + 1.0) * 0.5, 0.5);
      float c = floor(p);
      cell[a] = uint(int(c));
      w[a] = p - c;
    }
  }
  const uint primes[3] = uint[3](1u, 2654435761u, 805459861u);
  HashCorners h;
  for (uint k = 0; k < 8; ++k) {
    uint index = 0u, stride = 1u;
    float weight = 1.0;
    vec3 dweight = vec3(0.0);
    for (uint a = 0; a < dims; ++a) {
      bool upper = ((k >> a) & 1u) != 0u;
      uint v = cell[a] + (upper ? 1u : 0u);
      float factor = upper ? w[a] : 1.0 - w[a];
      dweight *= factor;
      dweight[a] = weight * (upper ? 0.5 : -0.5) * scale;
      weight *= factor;
      index = hashed ? (index ^ (v * primes[a])) : index + v * stride;
      stride *= res;
    }
    h.entry[k] = first + index % entries;
    h.weight[k] = k < (1u << dims) ? weight : 0.0;
    h.dweight[k] = k < (1u << dims) ? dweight : vec3(0.0);
  }
  return h;
}

#endif
