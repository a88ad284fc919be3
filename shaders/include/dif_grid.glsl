// The DiF-grid lookup shared by the forward and backward kernels (GNF / Gaussian RBFNet, official code's
// "sawtooth" basis mapping + torch grid_sample(bilinear, align_corners=False, padding_mode='border')).
//
// Level l is a periodic grid of reso^DIMS cells with `channels` features per cell, tiled reso times per
// axis over [-1,1]. Per axis: s = 2 / reso; u = clamp(((x + 1) mod s) / (s / 2) - 1, -1, 1);
// i = clamp(((u + 1) * reso - 1) / 2, 0, reso - 1); linear interpolation between floor(i) and floor(i)+1
// (clamped). Equivalently i = fract((x + 1) reso / 2) reso - 1/2, which is what dif_axis computes. Axis 0 of x is the fastest-varying grid index. Cell values are stored channel-minor:
// param_offset + cell * channels + c.
#ifndef NF_DIF_GRID_GLSL
#define NF_DIF_GRID_GLSL

// Up to 3 dimensions: 8 corners.
struct DifCorners {
  uint cell[8];
  float weight[8];
  vec3 dweight[8];  // d weight / dx
};

// The sawtooth mapping rewritten: with q = (x + 1) * reso / 2 (position in tiles), u = 2 fract(q) - 1 and
// i = fract(q) * reso - 1/2. The naive float32 formula rounds q at ulp(reso) and so amplifies x's rounding
// by reso^2 / 2 (~1e-3 cells at reso 128). Here x is split into 12-bit halves so that both products with
// h = reso / 2 (at most 12 significant bits for reso <= 4096) are exact, and fract(q) is assembled from the
// exact pieces: its error is a few ulp of 1, i.e. < 1e-5 cells at reso 128.
// dw1 = d w1 / dx: reso^2 / 2 inside a tile (d fract(q) / dx = reso / 2, d i / d fract(q) = reso), 0 where
// the border clamp of i saturates (the outer half cells of every tile).
void dif_axis(float x, uint reso, out uint i0, out uint i1, out float w1, out float dw1) {
  float r = float(reso);
  float h = 0.5 * r;
  float x_hi = uintBitsToFloat(floatBitsToUint(x) & 0xFFFFF000u);
  float x_lo = x - x_hi;  // exact
  float a = x_hi * h;     // exact
  float b = x_lo * h;     // exact
  float f = (a - floor(a)) + (h - floor(h)) + b;
  f -= floor(f);
  float unclamped = f * r - 0.5;
  float ix = clamp(unclamped, 0.0, r - 1.0);
  dw1 = unclamped > 0.0 && unclamped < r - 1.0 ? h * r : 0.0;
  float fl = floor(ix);
  i0 = uint(fl);
  i1 = min(i0 + 1u, reso - 1u);
  w1 = ix - fl;
}

// Corners 0 .. 2^dims - 1; bit a of the corner index selects the upper neighbour along axis a.
DifCorners dif_corners(vec3 x, uint dims, uint reso) {
  uint lo[3], hi[3];
  float w[3], dw[3];
  for (uint a = 0; a < 3; ++a) {
    lo[a] = 0u;
    hi[a] = 0u;
    w[a] = 0.0;
    dw[a] = 0.0;
    if (a < dims) dif_axis(x[a], reso, lo[a], hi[a], w[a], dw[a]);
  }
  DifCorners c;
  for (uint k = 0; k < 8; ++k) {
    uint cell = 0u;
    float weight = 1.0;
    vec3 dweight = vec3(0.0);
    for (int a = 2; a >= 0; --a) {
      if (uint(a) >= dims) continue;
      bool upper = ((k >> uint(a)) & 1u) != 0u;
      cell = cell * reso + (upper ? hi[a] : lo[a]);
      float factor = upper ? w[a] : 1.0 - w[a];
      dweight *= factor;
      dweight[a] = weight * (upper ? dw[a] : -dw[a]);
      weight *= factor;
    }
    c.cell[k] = cell;
    c.weight[k] = (k < (1u << dims)) ? weight : 0.0;
    c.dweight[k] = (k < (1u << dims)) ? dweight : vec3(0.0);
  }
  return c;
}

#endif
