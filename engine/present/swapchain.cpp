#include "present/swapchain.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::present {
namespace {

[[noreturn]] void lost(const gpu::Context& ctx, VkResult r, const char* during) {
  if (r == VK_ERROR_DEVICE_LOST)
    fail("the Vulkan device ", ctx.info().name, " was lost during ", during, " (driver reset or crash)");
  if (r == VK_ERROR_SURFACE_LOST_KHR) fail("the window's Vulkan surface was lost during ", during);
  gpu::check(r, during);
  fail(during, ": unexpected ", gpu::result_name(r));
}

VkPresentModeKHR vk_mode(PresentMode m) {
  switch (m) {
    case PresentMode::Mailbox:
      return VK_PRESENT_MODE_MAILBOX_KHR;
    case PresentMode::Immediate:
      return VK_PRESENT_MODE_IMMEDIATE_KHR;
    default:
      return VK_PRESENT_MODE_FIFO_KHR;
  }
}

}  // namespace

SemaphoreHandle make_semaphore(VkDevice device) {
  VkSemaphoreCreateInfo ci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
  VkSemaphore s = VK_NULL_HANDLE;
  gpu::check(vkCreateSemaphore(device, &ci, nullptr, &s), "vkCreateSemaphore");
  return SemaphoreHandle(device, s);
}

Swapchain::Swapchain(gpu::Context& ctx, VkSurfaceKHR surface, VkExtent2D size, PresentMode mode)
    : ctx_(ctx), surface_(surface), mode_(mode) {
  VkBool32 supported = VK_FALSE;
  gpu::check(
      vkGetPhysicalDeviceSurfaceSupportKHR(ctx.physical_device(), ctx.queue_family(), surface, &supported),
      "vkGetPhysicalDeviceSurfaceSupportKHR");
  if (!supported)
    fail("the Vulkan device ", ctx.info().name, " cannot present to this window (queue family ",
         ctx.queue_family(), " has no surface support)");
  uint32_t n = 0;
  gpu::check(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical_device(), surface, &n, nullptr),
             "vkGetPhysicalDeviceSurfaceFormatsKHR");
  std::vector<VkSurfaceFormatKHR> formats(n);
  gpu::check(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical_device(), surface, &n, formats.data()),
             "vkGetPhysicalDeviceSurfaceFormatsKHR");
  if (formats.empty()) fail("the window's surface offers no image formats");
  format_ = formats[0].format;
  color_space_ = formats[0].colorSpace;
  for (const auto& f : formats)
    if ((f.format == VK_FORMAT_B8G8R8A8_UNORM || f.format == VK_FORMAT_R8G8B8A8_UNORM) &&
        f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
      format_ = f.format;
      color_space_ = f.colorSpace;
      break;
    }
  build(size);
}

Swapchain::~Swapchain() {
  if (ctx_.device()) vkDeviceWaitIdle(ctx_.device());
}

void Swapchain::recreate(VkExtent2D size) {
  const VkResult r = vkDeviceWaitIdle(ctx_.device());
  if (r != VK_SUCCESS) lost(ctx_, r, "vkDeviceWaitIdle");
  build(size);
  ++generation_;
}

void Swapchain::build(VkExtent2D size) {
  VkSurfaceCapabilitiesKHR caps;
  gpu::check(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(ctx_.physical_device(), surface_, &caps),
             "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
  if (caps.currentExtent.width != UINT32_MAX) {
    extent_ = caps.currentExtent;
  } else {
    extent_.width = std::clamp(size.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent_.height = std::clamp(size.height, caps.minImageExtent.height, caps.maxImageExtent.height);
  }
  if (extent_.width == 0 || extent_.height == 0)
    fail("Swapchain::build: zero-size surface (window minimised)");

  uint32_t n = 0;
  vkGetPhysicalDeviceSurfacePresentModesKHR(ctx_.physical_device(), surface_, &n, nullptr);
  std::vector<VkPresentModeKHR> modes(n);
  vkGetPhysicalDeviceSurfacePresentModesKHR(ctx_.physical_device(), surface_, &n, modes.data());
  VkPresentModeKHR present_mode = VK_PRESENT_MODE_FIFO_KHR;
  if (std::find(modes.begin(), modes.end(), vk_mode(mode_)) != modes.end()) present_mode = vk_mode(mode_);

  min_images_ = std::max(2u, caps.minImageCount);
  uint32_t count = std::max(caps.minImageCount + 1, 2u);
  if (caps.maxImageCount > 0) count = std::min(count, caps.maxImageCount);
  readable_ = (caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) != 0;

  VkSwapchainCreateInfoKHR ci{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  ci.surface = surface_;
  ci.minImageCount = count;
  ci.imageFormat = format_;
  ci.imageColorSpace = color_space_;
  ci.imageExtent = extent_;
  ci.imageArrayLayers = 1;
  ci.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | (readable_ ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : 0);
  ci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  ci.preTransform = (caps.supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR)
                        ? VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR
                        : caps.currentTransform;
  ci.compositeAlpha =
      (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
          ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
          : VkCompositeAlphaFlagBitsKHR(caps.supportedCompositeAlpha & -caps.supportedCompositeAlpha);
  ci.presentMode = present_mode;
  ci.clipped = VK_TRUE;
  ci.oldSwapchain = swapchain_.get();
  VkSwapchainKHR sc = VK_NULL_HANDLE;
  gpu::check(vkCreateSwapchainKHR(ctx_.device(), &ci, nullptr, &sc), "vkCreateSwapchainKHR");
  views_.clear();
  swapchain_ = SwapchainHandle(ctx_.device(), sc);  // destroys the old one (retired by oldSwapchain)

  gpu::check(vkGetSwapchainImagesKHR(ctx_.device(), sc, &n, nullptr), "vkGetSwapchainImagesKHR");
  images_.resize(n);
  gpu::check(vkGetSwapchainImagesKHR(ctx_.device(), sc, &n, images_.data()), "vkGetSwapchainImagesKHR");
  for (VkImage image : images_) {
    VkImageViewCreateInfo vci{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    vci.image = image;
    vci.viewType = VK_IMAGE_VIEW_TYPE_2D;
    vci.format = format_;
    vci.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageView view = VK_NULL_HANDLE;
    gpu::check(vkCreateImageView(ctx_.device(), &vci, nullptr, &view), "vkCreateImageView");
    views_.emplace_back(ctx_.device(), view);
  }
}

std::optional<uint32_t> Swapchain::acquire(VkSemaphore signal) {
  uint32_t index = 0;
  const VkResult r =
      vkAcquireNextImageKHR(ctx_.device(), swapchain_.get(), UINT64_MAX, signal, VK_NULL_HANDLE, &index);
  if (r == VK_ERROR_OUT_OF_DATE_KHR) return std::nullopt;
  if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) lost(ctx_, r, "vkAcquireNextImageKHR");
  // SUBOPTIMAL: the semaphore is signalled, so the image must be used; present() then reports it.
  return index;
}

bool Swapchain::present(uint32_t image, VkSemaphore wait) {
  VkPresentInfoKHR pi{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  pi.waitSemaphoreCount = 1;
  pi.pWaitSemaphores = &wait;
  VkSwapchainKHR sc = swapchain_.get();
  pi.swapchainCount = 1;
  pi.pSwapchains = &sc;
  pi.pImageIndices = &image;
  const VkResult r = vkQueuePresentKHR(ctx_.queue(), &pi);
  if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) return false;
  if (r != VK_SUCCESS) lost(ctx_, r, "vkQueuePresentKHR");
  return true;
}

}  // namespace nf::present
