// NeRF-style frequency encoding, shared by forward and backward. Octave k of coordinate value v has the
// angle 2^k pi v, reduced in turns (2^k pi v = 2 pi (2^(k-1) v), exactly) so that large octaves keep
// float32 sin/cos accurate.
#ifndef NF_FREQUENCY_GLSL
#define NF_FREQUENCY_GLSL

// 2^k pi v modulo 2 pi, in [-pi, pi].
float frequency_angle(uint k, float v) {
  float t = exp2(float(k) - 1.0) * v;
  t -= round(t);
  return 6.28318530717958647692 * t;
}

#endif
