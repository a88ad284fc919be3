// Gaussian Fourier features, shared by forward and backward: F_j = sin(2 pi b_j . x), F_(M+j) = cos(...),
// B: M x DIMS (fixed, a uniform buffer at binding 0). The phase is reduced in turns (t - round(t)) before
// sin/cos: phases reach hundreds of radians, where GPU sin/cos lose accuracy.
//
// Requires, before inclusion: specialization constants DIMS, M.
#ifndef NF_FOURIER_GLSL
#define NF_FOURIER_GLSL

layout(std140, binding = 0) uniform Frequencies { vec4 b4[(M * DIMS + 3u) / 4u]; };

float fourier_freq(uint j, uint a) {
  uint i = j * DIMS + a;
  return b4[i >> 2u][i & 3u];
}

// 2 pi b_j . x in (-pi, pi] (mod 2 pi) for four samples; p[a] = axis a of the samples.
#define FOURIER_ANGLE(j, p, angle)                                                  \
  {                                                                                 \
    vec4 nf_t_ = vec4(0.0);                                                         \
    [[unroll]] for (uint nf_a_ = 0; nf_a_ < DIMS; ++nf_a_) nf_t_ += fourier_freq(j, nf_a_) * p[nf_a_]; \
    nf_t_ -= round(nf_t_);                                                          \
    angle = 6.28318530717958647692 * nf_t_;                                         \
  }

#endif
