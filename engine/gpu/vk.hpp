#pragma once
// Vulkan C API, result checking and the RAII handle used for every device-owned object.
#include <vulkan/vulkan.h>

#include <utility>

namespace nf::gpu {

// Name of a VkResult, e.g. "VK_ERROR_OUT_OF_DEVICE_MEMORY".
const char* result_name(VkResult r);

// Throws nf::Error "<what>: <result name>" unless r is VK_SUCCESS.
void check(VkResult r, const char* what);

// Owns one object created from a VkDevice and destroys it with Destroy(device, handle, nullptr).
// Movable, not copyable; a moved-from handle is empty.
template <class T, auto Destroy>
class DeviceHandle {
 public:
  DeviceHandle() = default;
  DeviceHandle(VkDevice device, T handle) : device_(device), handle_(handle) {}
  DeviceHandle(DeviceHandle&& o) noexcept
      : device_(std::exchange(o.device_, VK_NULL_HANDLE)), handle_(std::exchange(o.handle_, VK_NULL_HANDLE)) {}
  DeviceHandle& operator=(DeviceHandle&& o) noexcept {
    if (this != &o) {
      reset();
      device_ = std::exchange(o.device_, VK_NULL_HANDLE);
      handle_ = std::exchange(o.handle_, VK_NULL_HANDLE);
    }
    return *this;
  }
  DeviceHandle(const DeviceHandle&) = delete;
  DeviceHandle& operator=(const DeviceHandle&) = delete;
  ~DeviceHandle() { reset(); }

  void reset() {
    if (handle_ != VK_NULL_HANDLE) Destroy(device_, handle_, nullptr);
    handle_ = VK_NULL_HANDLE;
  }
  T get() const { return handle_; }
  explicit operator bool() const { return handle_ != VK_NULL_HANDLE; }

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  T handle_ = VK_NULL_HANDLE;
};

using BufferHandle = DeviceHandle<VkBuffer, vkDestroyBuffer>;
using BufferViewHandle = DeviceHandle<VkBufferView, vkDestroyBufferView>;
using MemoryHandle = DeviceHandle<VkDeviceMemory, vkFreeMemory>;
using ShaderModuleHandle = DeviceHandle<VkShaderModule, vkDestroyShaderModule>;
using DescriptorSetLayoutHandle = DeviceHandle<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>;
using PipelineLayoutHandle = DeviceHandle<VkPipelineLayout, vkDestroyPipelineLayout>;
using PipelineHandle = DeviceHandle<VkPipeline, vkDestroyPipeline>;
using DescriptorPoolHandle = DeviceHandle<VkDescriptorPool, vkDestroyDescriptorPool>;
using CommandPoolHandle = DeviceHandle<VkCommandPool, vkDestroyCommandPool>;
using FenceHandle = DeviceHandle<VkFence, vkDestroyFence>;
using SemaphoreHandle = DeviceHandle<VkSemaphore, vkDestroySemaphore>;
using QueryPoolHandle = DeviceHandle<VkQueryPool, vkDestroyQueryPool>;

}  // namespace nf::gpu
