#version 460
// Writes a feature-major batch of field outputs for pixels [first, first + n) into an interleaved image
// buffer whose pixel 0 is `base` (the band being rendered).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint CHANNELS = 3;

layout(std430, binding = 0) readonly buffer Values { float y[]; };   // CHANNELS x stride
layout(std430, binding = 1) writeonly buffer Image { float image[]; };

layout(push_constant) uniform Push {
  uint n;
  uint stride;
  uint first;  // pixel index within the band
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  for (uint ch = 0; ch < CHANNELS; ++ch) image[(pc.first + i) * CHANNELS + ch] = y[ch * pc.stride + i];
}
