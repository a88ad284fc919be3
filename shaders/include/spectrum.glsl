// FreSh spectrum layout shared by the spectrum kernels (engine/analysis/spectrum.hpp).
//
// Cells of the unshifted 2D DFT are kept in a triangle by diagonal: cell (r, c) with b = r + c <= B
// lives at nf_cell_index(b, r) = b (b + 1) / 2 + r. The Hermitian-half mask of FreSh keeps a cell when
//   b <= N - 1, except (0, c > N/2) and (r > N/2, 0);   or   b == N and 1 <= r <= N/2.
#ifndef NF_SPECTRUM_GLSL
#define NF_SPECTRUM_GLSL

uint nf_cell_index(uint b, uint r) { return b * (b + 1u) / 2u + r; }

bool nf_spectrum_mask(uint r, uint c, uint n) {
  uint b = r + c, h = n / 2u;
  if (b + 1u <= n) return !((r == 0u && c > h) || (c == 0u && r > h));
  if (b == n) return r >= 1u && r <= h;
  return false;
}

#endif
