#include "gpu/device_info.hpp"

#include "core/error.hpp"

namespace nf::gpu {
namespace {

int type_rank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
    default: return 0;
  }
}

}  // namespace

const char* device_type_name(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "other";
  }
}

std::string describe(const DeviceInfo& d) {
  return cat(d.name, " (", device_type_name(d.type), ", Vulkan ", VK_API_VERSION_MAJOR(d.api_version), ".",
             VK_API_VERSION_MINOR(d.api_version), ".", VK_API_VERSION_PATCH(d.api_version),
             d.driver.empty() ? "" : ", ", d.driver, ")");
}

std::string unsuitability(const DeviceInfo& d) {
  if (d.api_version < VK_API_VERSION_1_2) return "it supports only Vulkan " + cat(VK_API_VERSION_MAJOR(d.api_version), ".", VK_API_VERSION_MINOR(d.api_version)) + ", nf needs 1.2";
  if (!d.has_compute_queue) return "it has no compute queue";
  return d.missing;
}

const DeviceInfo& select_device(const std::vector<DeviceInfo>& devices, int requested) {
  if (devices.empty())
    fail("no Vulkan device found: install a Vulkan driver (on Debian: apt-get install mesa-vulkan-drivers, "
         "which provides the CPU device lavapipe; GPU vendors ship their own drivers)");
  if (requested >= 0) {
    if (requested >= int(devices.size())) {
      std::string list;
      for (const auto& d : devices) list += cat(list.empty() ? "" : "; ", d.index, ": ", describe(d));
      fail("device ", requested, " requested, but there are only ", devices.size(), " Vulkan devices (", list,
           ")");
    }
    const auto& d = devices[size_t(requested)];
    if (auto why = unsuitability(d); !why.empty()) fail("device ", requested, " ", describe(d), " cannot run nf: ", why);
    return d;
  }
  const DeviceInfo* best = nullptr;
  std::string reasons;
  for (const auto& d : devices) {
    if (auto why = unsuitability(d); !why.empty()) {
      reasons += cat(reasons.empty() ? "" : "; ", "device ", d.index, " ", d.name, ": ", why);
      continue;
    }
    if (!best || type_rank(d.type) > type_rank(best->type) ||
        (type_rank(d.type) == type_rank(best->type) && d.device_local_bytes > best->device_local_bytes))
      best = &d;
  }
  if (!best) fail("no Vulkan device can run nf: ", reasons);
  return *best;
}

}  // namespace nf::gpu
