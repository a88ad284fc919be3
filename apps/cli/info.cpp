// nf info: Vulkan devices and the features nf uses on each; built-in configs.
#include <cstdio>
#include <cstring>

#include "commands.hpp"
#include "core/error.hpp"
#include "gpu/context.hpp"
#include "pipeline/configs.hpp"

namespace nf::cli {
namespace {

void run_info() {
  const auto devices = gpu::enumerate_devices();
  int chosen = -1;
  std::string why;
  try {
    chosen = int(gpu::select_device(devices, -1).index);
  } catch (const Error& e) {
    why = e.what();
  }
  std::printf("Vulkan devices:\n");
  for (const auto& d : devices) {
    const auto& f = d.features;
    std::printf("  [%u] %s%s\n", d.index, gpu::describe(d).c_str(), int(d.index) == chosen ? "  <- default" : "");
    const auto unfit = gpu::unsuitability(d);
    if (!unfit.empty()) std::printf("      cannot run nf: %s\n", unfit.c_str());
    std::printf("      float atomics: %s | subgroup size %u%s | timestamps: %s | fp16: %s\n",
                f.float_atomic_add ? "native" : "portable (compare-and-swap)", f.subgroup_size,
                f.subgroup_arithmetic ? " (arithmetic)" : "", f.timestamps ? "yes" : "no", f.shader_float16 ? "yes" : "no");
    std::printf("      device-local memory %.1f GiB | storage buffer range %.0f MiB | shared memory %u KiB | "
                "workgroups <= %u\n",
                double(d.device_local_bytes) / (1ull << 30), double(d.max_storage_buffer_range) / (1 << 20),
                d.max_shared_memory / 1024, d.max_workgroup_count[0]);
  }
  if (!why.empty()) std::printf("  no usable device: %s\n", why.c_str());
  std::printf("Select one with --device N or NF_DEVICE=N. Validation layer: NF_VALIDATION=1 or --validation.\n");
  std::printf("Built-in configs (--field NAME):");
  for (const auto& n : pipeline::config_names()) std::printf(" %s", n.c_str());
  std::printf("\n");
}

}  // namespace

void add_info(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "List Vulkan devices and the features nf uses");
  cmd->callback(run_info);
}

}  // namespace nf::cli
