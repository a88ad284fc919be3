#pragma once
// What nf knows about a physical device: identity, the limits it relies on, the optional features it uses.
#include <cstdint>
#include <string>
#include <vector>

#include "gpu/vk.hpp"

namespace nf::gpu {

struct DeviceFeatures {
  bool float_atomic_add = false;   // VK_EXT_shader_atomic_float shaderBufferFloat32AtomicAdd
  bool subgroup_arithmetic = false;  // compute-stage subgroup arithmetic operations
  uint32_t subgroup_size = 1;
  bool timestamps = false;        // compute queue supports timestamp queries
  double timestamp_period_ns = 1.0;
  bool shader_float16 = false;
  bool storage_buffer_16bit = false;
};

struct DeviceInfo {
  uint32_t index = 0;  // position in vkEnumeratePhysicalDevices order (what --device takes)
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  uint32_t api_version = 0;
  std::string driver;  // driver name and info, e.g. "llvmpipe Mesa 22.3.6"
  bool has_compute_queue = false;
  uint64_t device_local_bytes = 0;
  uint64_t max_storage_buffer_range = 0;
  uint64_t max_uniform_buffer_range = 0;
  uint64_t min_storage_offset_alignment = 1;
  uint64_t min_uniform_offset_alignment = 1;
  uint64_t max_texel_buffer_elements = 0;
  uint64_t min_texel_offset_alignment = 1;
  uint32_t max_workgroup_count[3] = {};
  uint32_t max_workgroup_invocations = 0;
  uint32_t max_shared_memory = 0;
  DeviceFeatures features;
  // Why the device cannot serve the context's extra requirements (ContextOptions for a window: a queue
  // that presents, device extensions); empty when it can or when there are none.
  std::string missing;
};

const char* device_type_name(VkPhysicalDeviceType type);

// "name (type, Vulkan x.y.z, driver)"
std::string describe(const DeviceInfo& d);

// Why d cannot run nf, or an empty string when it can (Vulkan >= 1.2, a compute queue, nothing `missing`).
std::string unsuitability(const DeviceInfo& d);

// Picks a device: the requested index when requested >= 0, else the best suitable one
// (discrete > integrated > virtual > CPU, then more device-local memory). Throws nf::Error explaining why
// nothing fits: no devices (naming the package to install), a bad index, or what each device lacks.
const DeviceInfo& select_device(const std::vector<DeviceInfo>& devices, int requested);

}  // namespace nf::gpu
