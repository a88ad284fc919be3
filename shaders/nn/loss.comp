#version 460
// Element-wise regression loss, its gradient and per-workgroup sums for reporting.
//
// LOSS (constant 1): 0 = L1 |y - t|, 1 = L2 (y - t)^2, 2 = MAPE-style (y - t)^2 / (|t| + epsilon) (GNF's SDF loss). The loss is the mean over n samples x dims outputs
// (PyTorch's reduction='mean'), so d_y = dloss/dy already includes 1 / (n * dims).
// Each invocation takes 4 samples as vec4 rows (strides are multiples of 4, see nn/batch.hpp), so a workgroup
// of W invocations covers 4 W samples. partials[3 * group + {0, 1, 2}] = sums of |y - t|, (y - t)^2 and (y - t)^2 / (|t| + epsilon) over the
// group's elements, whichever the loss, so the host can report all (and a training PSNR).
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint LOSS = 0;
layout(constant_id = 2) const uint DIMS = 3;

layout(std430, binding = 0) readonly buffer Prediction { vec4 y4[]; };
layout(std430, binding = 1) readonly buffer Target { vec4 t4[]; };
layout(std430, binding = 2) writeonly buffer GradOut { vec4 d_y4[]; };
layout(std430, binding = 3) writeonly buffer Partials { float partials[]; };

layout(push_constant) uniform Push {
  uint n;            // samples of this chunk
  uint stride;       // feature-major stride of y, t and d_y
  float scale;       // multiplies the loss (1 / (samples of the step * dims) for the mean)
  uint first_group;  // partials of this chunk start here
  float epsilon;     // MAPE's offset
} pc;

shared vec3 sums[gl_WorkGroupSize.x];

void main() {
  uint i0 = 4u * nf_item_index();
  vec3 acc = vec3(0.0);
  if (i0 < pc.n) {
    for (uint d = 0; d < DIMS; ++d) {
      // Samples beyond n read as 0 (rows may hold anything there): they add nothing and get d_y = 0.
      vec4 t = nf_mask4(NF_ROW4(t4, d, pc.stride, i0), i0, pc.n);
      vec4 r = nf_mask4(NF_ROW4(y4, d, pc.stride, i0), i0, pc.n) - t;
      vec4 w = 1.0 / (abs(t) + pc.epsilon);
      acc += vec3(dot(abs(r), vec4(1.0)), dot(r, r), dot(w * r, r));
      NF_ROW4(d_y4, d, pc.stride, i0) = pc.scale * (LOSS == 0 ? sign(r) : LOSS == 1 ? 2.0 * r : 2.0 * w * r);
    }
  }
  uint l = gl_LocalInvocationID.x;
  sums[l] = acc;
  barrier();
  for (uint s = gl_WorkGroupSize.x / 2; s > 0; s >>= 1) {
    if (l < s) sums[l] += sums[l + s];
    barrier();
  }
  if (l == 0) {
    uint group = pc.first_group + gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    partials[3 * group] = sums[0].x;
    partials[3 * group + 1] = sums[0].y;
    partials[3 * group + 2] = sums[0].z;
  }
}
