#pragma once
// --device / --validation, shared by every subcommand that uses the GPU.
#include <CLI/CLI.hpp>

#include "gpu/context.hpp"

namespace nf::cli {

struct GpuOptions {
  int device = -1;
  bool validation = false;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--device", device, "Vulkan device index (see `nf info`); default: NF_DEVICE or the best one")
        ->check(CLI::NonNegativeNumber);
    cmd.add_flag("--validation", validation, "Enable the Khronos validation layer (also NF_VALIDATION=1)");
  }
  gpu::ContextOptions context_options() const {
    gpu::ContextOptions o;
    o.device = device;
    o.validation = validation;
    return o;
  }
};

}  // namespace nf::cli
