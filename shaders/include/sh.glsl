// Real spherical harmonics of a unit direction, degrees 0..3 (16 terms), with tiny-cuda-nn's constants and
// signs (encodings/spherical_harmonics.h); mirrors engine/nn/spherical_harmonics.cpp. Fills y[0, count) for
// count = 1, 4, 9 or 16.
#ifndef NF_SH_GLSL
#define NF_SH_GLSL

void nf_sh(vec3 d, uint count, out float y[16]) {
  float x = d.x, yy = d.y, z = d.z;
  float xy = x * yy, xz = x * z, yz = yy * z, x2 = x * x, y2 = yy * yy, z2 = z * z;
  for (uint j = 0u; j < 16u; ++j) y[j] = 0.0;
  y[0] = 0.28209479177387814;
  if (count <= 1u) return;
  y[1] = -0.48860251190291987 * yy;
  y[2] = 0.48860251190291987 * z;
  y[3] = -0.48860251190291987 * x;
  if (count <= 4u) return;
  y[4] = 1.0925484305920792 * xy;
  y[5] = -1.0925484305920792 * yz;
  y[6] = 0.94617469575755997 * z2 - 0.31539156525251999;
  y[7] = -1.0925484305920792 * xz;
  y[8] = 0.54627421529603959 * x2 - 0.54627421529603959 * y2;
  if (count <= 9u) return;
  y[9] = 0.59004358992664352 * yy * (-3.0 * x2 + y2);
  y[10] = 2.8906114426405538 * xy * z;
  y[11] = 0.45704579946446572 * yy * (1.0 - 5.0 * z2);
  y[12] = 0.3731763325901154 * z * (5.0 * z2 - 3.0);
  y[13] = 0.45704579946446572 * x * (1.0 - 5.0 * z2);
  y[14] = 1.4453057213202769 * z * (x2 - y2);
  y[15] = 0.59004358992664352 * x * (-x2 + 3.0 * y2);
}

#endif
