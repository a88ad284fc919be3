#version 460
// Adam (Kingma & Ba) over every parameter in one dispatch, with the arithmetic of PyTorch's torch.optim.Adam
// (no weight decay, no amsgrad): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
// p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
// Parameters are split into up to 8 groups of consecutive indices, each with its own learning rate; in a group
// whose bit is set in sparse_mask, a parameter with a zero gradient is left alone (moments included).
#include "common.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) buffer Params { float params[]; };
layout(std430, binding = 1) readonly buffer Grads { float grads[]; };
layout(std430, binding = 2) buffer FirstMoment { float m[]; };
layout(std430, binding = 3) buffer SecondMoment { float v[]; };

layout(push_constant) uniform Push {
  uint count;            // number of parameters
  uint group_count;      // 1..8
  float beta1;
  float beta2;
  float eps;
  float step_scale;      // 1 / (1 - beta1^t)
  float denom_scale;     // 1 / sqrt(1 - beta2^t)
  float grad_scale;      // multiplies the gradient first
  uvec4 group_end[2];    // group g holds indices [group_end[g-1], group_end[g])
  vec4 group_lr[2];
  uint sparse_mask;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.count) return;
  float lr = 0.0;
  bool sparse = false;
  for (uint g = 0; g < pc.group_count; ++g) {
    if (i < pc.group_end[g >> 2][g & 3u]) {
      lr = pc.group_lr[g >> 2][g & 3u];
      sparse = ((pc.sparse_mask >> g) & 1u) != 0u;
      break;
    }
  }
  float grad = grads[i] * pc.grad_scale;
  if (sparse && grad == 0.0) return;
  float mi = pc.beta1 * m[i] + (1.0 - pc.beta1) * grad;
  float vi = pc.beta2 * v[i] + (1.0 - pc.beta2) * grad * grad;
  m[i] = mi;
  v[i] = vi;
  float denom = sqrt(vi) * pc.denom_scale + pc.eps;
  params[i] -= (lr * pc.step_scale) * (mi / denom);
}
