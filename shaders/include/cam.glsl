// Coordinate-Aware Modulation grids (Lee et al. 2024), shared by forward and backward: per hidden layer l
// a grid of res.x x res.y x res.z cells (the first DIMS axes) holding (gamma, beta), looked up at the coordinate x in [-1,1]^DIMS with
// (bi|tri)linear interpolation, align_corners = True and border clamping (torch grid_sample). Cell values
// of layer l at params[(l * RES^DIMS + cell) * 2 + {0: gamma, 1: beta}]; axis 0 is the fastest index.
#ifndef NF_CAM_GLSL
#define NF_CAM_GLSL

// dweight[k][a] = d weight[k] / dx[a]: (res[a] - 1) / 2 cells per unit of x, 0 where the border clamp
// saturates.
struct CamCorners {
  uint cell[8];
  float weight[8];
  vec3 dweight[8];
};

CamCorners cam_corners(vec3 x, uint dims, uvec3 res) {
  uint lo[3], hi[3];
  float w[3], dw[3];
  for (uint a = 0; a < 3; ++a) {
    lo[a] = 0u;
    hi[a] = 0u;
    w[a] = 0.0;
    dw[a] = 0.0;
    if (a < dims) {
      float unclamped = (x[a] + 1.0) * 0.5 * float(res[a] - 1u);
      float ix = clamp(unclamped, 0.0, float(res[a] - 1u));
      float f = floor(ix);
      lo[a] = uint(f);
      hi[a] = min(lo[a] + 1u, res[a] - 1u);
      w[a] = ix - f;
      dw[a] = unclamped > 0.0 && unclamped < float(res[a] - 1u) ? 0.5 * float(res[a] - 1u) : 0.0;
    }
  }
  CamCorners c;
  for (uint k = 0; k < 8; ++k) {
    uint cell = 0u;
    float weight = 1.0;
    vec3 dweight = vec3(0.0);
    for (int a = 2; a >= 0; --a) {
      if (uint(a) >= dims) continue;
      bool upper = ((k >> uint(a)) & 1u) != 0u;
      cell = cell * res[a] + (upper ? hi[a] : lo[a]);
      float factor = upper ? w[a] : 1.0 - w[a];
      dweight *= factor;
      dweight[a] = weight * (upper ? dw[a] : -dw[a]);
      weight *= factor;
    }
    c.cell[k] = cell;
    c.weight[k] = k < (1u << dims) ? weight : 0.0;
    c.dweight[k] = k < (1u << dims) ? dweight : vec3(0.0);
  }
  return c;
}

#endif
