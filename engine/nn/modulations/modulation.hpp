#pragma once
// Modulations compute per-sample values that modulate a network's hidden layers from the field's input
// coordinates (CAM); built from the network's "modulation" {"type": ...} object. Their backward() and
// backward_input() ADD dL/dx into d_x (the field's encoding writes it first: both read the same x).
#include "core/registry.hpp"
#include "nn/module.hpp"

namespace nf::nn {

using ModulationRegistry = Registry<Module, gpu::Context&, uint32_t /*input_dims*/, uint32_t /*output_dims*/>;
// Built-in modulations ("cam").
const ModulationRegistry& modulations();

}  // namespace nf::nn
