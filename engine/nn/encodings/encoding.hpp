#pragma once
// Encodings map coordinates x in [-1,1]^d to features F(x); built from {"type": ...} configs.
#include "core/registry.hpp"
#include "nn/module.hpp"

namespace nf::nn {

using EncodingRegistry = Registry<Module, gpu::Context&, uint32_t /*input_dims*/>;
// Built-in encodings ("dif_grid").
const EncodingRegistry& encodings();

}  // namespace nf::nn
