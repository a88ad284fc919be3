// Shared declarations of the fused MLP kernels (mlp_forward_fused, mlp_backward_fused): the whole network
// for 8 samples per invocation (two vec4 quads per unit: index 2 unit + quad), one layer's values at a time
// in private arrays. Stored per sample (feature-major, capacity `stride`, a multiple of 4; samples up to
// the next multiple of 8 may be read and written, their values unused): A (post-activations, rows
// l * WIDTH + j), P (z, or LayerNorm(z) when modulated; rows l * WIDTH + j, output layer at
// HIDDEN * WIDTH), R (1 / std of modulated layers, row l). Modulated layer l reads (gamma, beta) from
// modulation rows 2 (l - FIRST_MODULATED) and 2 (l - FIRST_MODULATED) + 1.
//
// Parameters (binding 0) are the MLP's blocks as the ParameterStore places them, bound from layer 0's
// weights: each block at a multiple of 64 floats, in the order w0, b0, w1, b1, ... (see weight_offset).
// Variant NF_MLP_UNIFORM (the whole range fits maxUniformBufferRange): a uniform buffer (cheaper loads on
// lavapipe: a gather without the per-lane loop of a storage-buffer load) and every loop over units fully
// unrolled (NF_UNROLL), so that the private arrays are indexed by constants (registers and stack slots on
// lavapipe instead of per-lane gathers). NIR unrolls a loop only once its inner loops are gone and its
// bounds are constants, hence the layer loops run over hidden layers of one shape and the helpers take
// their sizes as arguments that are constant at every call. Without it: a storage buffer and ordinary
// loops (the unrolled kernel of a 2 x 128 network compiles for many minutes in LLVM).
// Kernels using this file must enable GL_EXT_control_flow_attributes.
#ifndef NF_MLP_FUSED_GLSL
#define NF_MLP_FUSED_GLSL

layout(constant_id = 1) const uint IN = 64;
layout(constant_id = 2) const uint WIDTH = 64;
layout(constant_id = 3) const uint OUT = 3;
layout(constant_id = 4) const uint HIDDEN = 2;
layout(constant_id = 5) const uint ACT = 1;
layout(constant_id = 6) const uint OUT_ACT = 0;
layout(constant_id = 7) const float FIRST_OMEGA = 30.0;
layout(constant_id = 8) const float HIDDEN_OMEGA = 30.0;
layout(constant_id = 9) const uint FIRST_MODULATED = 1;  // hidden layers from here on are modulated

const uint MAXW = IN > WIDTH ? IN : WIDTH;

#ifdef NF_MLP_UNIFORM
#define NF_UNROLL [[unroll]]
layout(std140, binding = 0) uniform Params { vec4 params4[4096]; };  // 64 KiB, the most lavapipe binds
float mlp_param(uint k) { return params4[k >> 2u][k & 3u]; }
#else
#define NF_UNROLL
layout(std430, binding = 0) readonly buffer Params { float params[]; };
float mlp_param(uint k) { return params[k]; }
#endif

uint mlp_align(uint floats) { return (floats + 63u) & ~63u; }  // ParameterStore::kAlignFloats
uint layer_in(uint l) { return l == 0u ? IN : WIDTH; }
uint layer_out(uint l) { return l == HIDDEN ? OUT : WIDTH; }
// Offsets (floats from binding 0's start) of layer l's weights (out x in, row-major) and biases.
uint weight_offset(uint l) {
  return l == 0u ? 0u : mlp_align(IN * WIDTH) + mlp_align(WIDTH) + (l - 1u) * (mlp_align(WIDTH * WIDTH) + mlp_align(WIDTH));
}
uint bias_offset(uint l) { return weight_offset(l) + mlp_align(layer_in(l) * layer_out(l)); }
bool layer_modulated(uint l) { return l >= FIRST_MODULATED && l < HIDDEN; }
// Whether the forward pass stores hidden layer l's activations A: not for unmodulated ReLU or identity
// layers, whose weight gradients recompute A = act(P) from the stored P (Mlp::stores_activations).
bool layer_stores_a(uint l) { return layer_modulated(l) || (ACT != 0u && ACT != 1u); }
// Modulated layers use omega 1 (see nn/networks/mlp.hpp).
float layer_omega(uint l) { return layer_modulated(l) ? 1.0 : (l == 0u ? FIRST_OMEGA : HIDDEN_OMEGA); }

#endif
