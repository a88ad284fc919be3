#pragma once
// A swapchain for one surface, on the context's queue (which must present to it: create the Context with
// ContextOptions::present_support). Images are B8G8R8A8/R8G8B8A8 UNORM where offered, so values written
// reach the screen unchanged (nf shows images as stored, without sRGB conversion), and can be copied from
// (screenshots) where the surface allows it.
//
// Contract: acquire() and present() report an out-of-date or suboptimal swapchain by returning false /
// nullopt; the caller then calls recreate() with the framebuffer's current size (never zero: a minimised
// window must wait before recreating). A lost device or surface throws nf::Error.
#include <cstdint>
#include <optional>
#include <vector>

#include "present/present_handles.hpp"

namespace nf::gpu {
class Context;
}

namespace nf::present {

enum class PresentMode { Fifo, Mailbox, Immediate };

class Swapchain {
 public:
  // mode: the preferred present mode; FIFO (always available) when the surface lacks it.
  Swapchain(gpu::Context& ctx, VkSurfaceKHR surface, VkExtent2D size, PresentMode mode = PresentMode::Fifo);
  ~Swapchain();
  Swapchain(const Swapchain&) = delete;
  Swapchain& operator=(const Swapchain&) = delete;

  // Rebuilds the swapchain for size (waits until the device is idle first).
  void recreate(VkExtent2D size);

  VkSwapchainKHR handle() const { return swapchain_.get(); }
  VkFormat format() const { return format_; }
  VkExtent2D extent() const { return extent_; }
  uint32_t image_count() const { return uint32_t(images_.size()); }
  uint32_t min_image_count() const { return min_images_; }
  VkImage image(uint32_t i) const { return images_[i]; }
  VkImageView view(uint32_t i) const { return views_[i].get(); }
  // Whether images can be copied from (VK_IMAGE_USAGE_TRANSFER_SRC_BIT).
  bool readable() const { return readable_; }
  // Increments on every recreate(): views and framebuffers made before are stale.
  uint64_t generation() const { return generation_; }

  // Acquires the next image, signalling `signal` when it is ready; nullopt when the swapchain is out of date.
  std::optional<uint32_t> acquire(VkSemaphore signal);
  // Queues image for presentation after `wait`; false when the swapchain is out of date or suboptimal.
  bool present(uint32_t image, VkSemaphore wait);

 private:
  void build(VkExtent2D size);

  gpu::Context& ctx_;
  VkSurfaceKHR surface_;
  PresentMode mode_;
  SwapchainHandle swapchain_;
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  VkColorSpaceKHR color_space_ = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
  VkExtent2D extent_{};
  uint32_t min_images_ = 2;
  std::vector<VkImage> images_;
  std::vector<ImageViewHandle> views_;
  bool readable_ = false;
  uint64_t generation_ = 0;
};

}  // namespace nf::present
