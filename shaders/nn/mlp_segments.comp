#version 460
// MLP, CAM-modulated layer normalised over groups of samples (nn::Segments, e.g. a ray's): per group g of
// samples [first, first + count),
//   MODE 0: the mean and 1 / std (biased variance, eps 1e-5) of the layer's pre-activations over the group's
//           samples x OUT units -> stats rows 0, 1;
//   MODE 1: the sums of rows 0 and 1 of `values` (per-sample partial sums of the backward) over the group's
//           samples, divided by count x OUT -> stats rows 0, 1.
// Empty groups (count 0 or bit 31) are left alone: no sample refers to them.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OUT = 64;
layout(constant_id = 2) const uint MODE = 0;

layout(std430, binding = 0) readonly buffer Info { uint info[]; };      // first, count (group stride)
layout(std430, binding = 1) readonly buffer Values { float values[]; };  // rows, sample stride
layout(std430, binding = 2) writeonly buffer Stats { float stats[]; };   // 2 rows, group stride

layout(push_constant) uniform Push {
  uint groups, group_stride, stride;
} pc;

void main() {
  uint g = nf_item_index();
  if (g >= pc.groups) return;
  uint first = info[g], count = info[pc.group_stride + g];
  if (count == 0u || (count & 0x80000000u) != 0u) return;
  float m = float(count) * float(OUT);
  if (MODE == 0u) {
    float sum = 0.0;
    for (uint s = first; s < first + count; ++s)
      for (uint j = 0; j < OUT; ++j) sum += values[j * pc.stride + s];
    float mean = sum / m, var = 0.0;
    for (uint s = first; s < first + count; ++s)
      for (uint j = 0; j < OUT; ++j) {
        float d = values[j * pc.stride + s] - mean;
        var += d * d;
      }
    stats[g] = mean;
    stats[pc.group_stride + g] = inversesqrt(var / m + 1e-5);
  } else {
    float a = 0.0, b = 0.0;
    for (uint s = first; s < first + count; ++s) {
      a += values[s];
      b += values[pc.stride + s];
    }
    stats[g] = a / m;
    stats[pc.group_stride + g] = b / m;
  }
}
