#pragma once
// Networks map encoded features to outputs; built from {"type": ...} configs.
#include "core/registry.hpp"
#include "nn/module.hpp"

namespace nf::nn {

using NetworkRegistry = Registry<Module, gpu::Context&, uint32_t /*input_dims*/, uint32_t /*output_dims*/>;
// Built-in networks ("rbf").
const NetworkRegistry& networks();

}  // namespace nf::nn
