#pragma once
// RAII handles for the Vulkan objects of presentation and drawing (one movable, non-copyable handle per
// object kind, like gpu/vk.hpp's), plus the surface, which belongs to the instance rather than the device.
#include <utility>

#include "gpu/vk.hpp"

namespace nf::present {

using SwapchainHandle = gpu::DeviceHandle<VkSwapchainKHR, vkDestroySwapchainKHR>;
using ImageViewHandle = gpu::DeviceHandle<VkImageView, vkDestroyImageView>;
using RenderPassHandle = gpu::DeviceHandle<VkRenderPass, vkDestroyRenderPass>;
using FramebufferHandle = gpu::DeviceHandle<VkFramebuffer, vkDestroyFramebuffer>;
using SemaphoreHandle = gpu::DeviceHandle<VkSemaphore, vkDestroySemaphore>;

// Owns a VkSurfaceKHR and destroys it with its instance's vkDestroySurfaceKHR. Movable, not copyable.
class SurfaceHandle {
 public:
  SurfaceHandle() = default;
  SurfaceHandle(VkInstance instance, VkSurfaceKHR surface) : instance_(instance), surface_(surface) {}
  SurfaceHandle(SurfaceHandle&& o) noexcept
      : instance_(std::exchange(o.instance_, VK_NULL_HANDLE)),
        surface_(std::exchange(o.surface_, VK_NULL_HANDLE)) {}
  SurfaceHandle& operator=(SurfaceHandle&& o) noexcept {
    if (this != &o) {
      reset();
      instance_ = std::exchange(o.instance_, VK_NULL_HANDLE);
      surface_ = std::exchange(o.surface_, VK_NULL_HANDLE);
    }
    return *this;
  }
  SurfaceHandle(const SurfaceHandle&) = delete;
  SurfaceHandle& operator=(const SurfaceHandle&) = delete;
  ~SurfaceHandle() { reset(); }

  void reset() {
    if (surface_ != VK_NULL_HANDLE) vkDestroySurfaceKHR(instance_, surface_, nullptr);
    surface_ = VK_NULL_HANDLE;
  }
  VkSurfaceKHR get() const { return surface_; }

 private:
  VkInstance instance_ = VK_NULL_HANDLE;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
};

// A binary semaphore on ctx's device.
SemaphoreHandle make_semaphore(VkDevice device);

}  // namespace nf::present
