#version 460
// Sphere tracing, ray compaction between rounds of iterations (appends through the counter, zeroed before):
//   mode 0: the rays of list_in[0, n) still marching -> list_out;
//   mode 1: every ray [0, n) of the chunk that hit -> list_out, and slot[ray] = its index there.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { float state[]; };
layout(std430, binding = 1) readonly buffer ListIn { uint list_in[]; };
layout(std430, binding = 2) writeonly buffer ListOut { uint list_out[]; };
layout(std430, binding = 3) buffer Counter { uint count; };
layout(std430, binding = 4) writeonly buffer Slot { uint slot[]; };

layout(push_constant) uniform Push {
  uint n, mode;
} pc;

void main() {
  uint i = nf_item_index();
  if (i >= pc.n) return;
  uint r = pc.mode == 0u ? list_in[i] : i;
  float status = state[4u * r + 2u];
  if (status != (pc.mode == 0u ? 0.0 : 1.0)) return;
  uint k = atomicAdd(count, 1u);
  list_out[k] = r;
  if (pc.mode == 1u) slot[r] = k;
}
