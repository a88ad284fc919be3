// Shared declarations of the fused MLP kernels (mlp_forward_fused, mlp_backward_fused): the whole network
// for 4 samples per invocation, one layer's activations at a time in private arrays (on-chip where the
// device allows). Layer l reads its weights at params[table[l].x + j * in + i] and biases at
// params[table[l].y + j]. Stored per sample (feature-major, capacity `stride`): A (post-activations,
// rows l * WIDTH + j), P (z, or LayerNorm(z) when modulated; rows l * WIDTH + j, output layer at
// HIDDEN * WIDTH), R (1 / std of modulated layers, row l). Modulated layer l reads (gamma, beta) from
// modulation rows 2 (l - FIRST_MODULATED) and 2 (l - FIRST_MODULATED) + 1.
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

uint layer_in(uint l) { return l == 0u ? IN : WIDTH; }
uint layer_out(uint l) { return l == HIDDEN ? OUT : WIDTH; }
bool layer_modulated(uint l) { return l >= FIRST_MODULATED && l < HIDDEN; }
// Modulated layers use omega 1 (see nn/networks/mlp.hpp).
float layer_omega(uint l) { return layer_modulated(l) ? 1.0 : (l == 0u ? FIRST_OMEGA : HIDDEN_OMEGA); }

#endif
