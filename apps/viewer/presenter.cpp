#include "presenter.hpp"

#include <imgui.h>
#include <imgui_impl_vulkan.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "gpu/context.hpp"

namespace nf::viewer {
namespace {

void check_imgui(VkResult r) {
  if (r != VK_SUCCESS) log(LogLevel::Error, "nf", cat("Dear ImGui's Vulkan backend: ", gpu::result_name(r)));
}

void image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to,
                   VkPipelineStageFlags src, VkAccessFlags src_access, VkPipelineStageFlags dst,
                   VkAccessFlags dst_access) {
  VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  b.srcAccessMask = src_access;
  b.dstAccessMask = dst_access;
  b.oldLayout = from;
  b.newLayout = to;
  b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = image;
  b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdPipelineBarrier(cmd, src, dst, 0, 0, nullptr, 0, nullptr, 1, &b);
}

[[noreturn]] void device_failed(const gpu::Context& ctx, VkResult r, const char* what) {
  if (r == VK_ERROR_DEVICE_LOST)
    fail("the Vulkan device ", ctx.info().name, " was lost while drawing a frame (", what, ")");
  gpu::check(r, what);
  fail(what, ": ", gpu::result_name(r));
}

}  // namespace

Presenter::Presenter(gpu::Context& ctx, VkSurfaceKHR surface, VkExtent2D size, present::PresentMode mode)
    : ctx_(ctx) {
  const VkDevice device = ctx.device();
  swapchain_ = std::make_unique<present::Swapchain>(ctx, surface, size, mode);

  VkAttachmentDescription color{};
  color.format = swapchain_->format();
  color.samples = VK_SAMPLE_COUNT_1_BIT;
  color.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  color.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  color.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  color.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  color.finalLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &ref;
  // In: wait for the acquire semaphore's stage. Out: make the frame visible to a screenshot copy.
  VkSubpassDependency deps[2] = {};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo rpci{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rpci.attachmentCount = 1;
  rpci.pAttachments = &color;
  rpci.subpassCount = 1;
  rpci.pSubpasses = &subpass;
  rpci.dependencyCount = 2;
  rpci.pDependencies = deps;
  VkRenderPass rp = VK_NULL_HANDLE;
  gpu::check(vkCreateRenderPass(device, &rpci, nullptr, &rp), "vkCreateRenderPass");
  render_pass_ = present::RenderPassHandle(device, rp);
  build_framebuffers();

  for (auto& f : frames_) {
    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT | VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pci.queueFamilyIndex = ctx.queue_family();
    VkCommandPool pool = VK_NULL_HANDLE;
    gpu::check(vkCreateCommandPool(device, &pci, nullptr, &pool), "vkCreateCommandPool");
    f.pool = gpu::CommandPoolHandle(device, pool);
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    gpu::check(vkAllocateCommandBuffers(device, &ai, &f.cmd), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence = VK_NULL_HANDLE;
    gpu::check(vkCreateFence(device, &fci, nullptr, &fence), "vkCreateFence");
    f.fence = gpu::FenceHandle(device, fence);
    f.acquired = present::make_semaphore(device);
    if (ctx.features().timestamps) f.timer = std::make_unique<gpu::TimestampPool>(ctx, 2);
  }
  viewport_ = std::make_unique<ViewportPipeline>(ctx, rp, kFramesInFlight);

  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 8}};
  VkDescriptorPoolCreateInfo dpci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  dpci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  dpci.maxSets = 8;
  dpci.poolSizeCount = 1;
  dpci.pPoolSizes = sizes;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  gpu::check(vkCreateDescriptorPool(device, &dpci, nullptr, &pool), "vkCreateDescriptorPool");
  imgui_pool_ = gpu::DescriptorPoolHandle(device, pool);
  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = ctx.instance();
  info.PhysicalDevice = ctx.physical_device();
  info.Device = device;
  info.QueueFamily = ctx.queue_family();
  info.Queue = ctx.queue();
  info.DescriptorPool = pool;
  info.MinImageCount = swapchain_->min_image_count();
  info.ImageCount = std::max(swapchain_->image_count(), kFramesInFlight);
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  info.CheckVkResultFn = check_imgui;
  if (!ImGui_ImplVulkan_Init(&info, rp)) fail("Dear ImGui's Vulkan backend failed to initialise");
  imgui_ready_ = true;
  ctx.run_once([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
}

Presenter::~Presenter() {
  if (ctx_.device()) vkDeviceWaitIdle(ctx_.device());
  if (imgui_ready_) ImGui_ImplVulkan_Shutdown();
}

void Presenter::new_ui_frame() {
  ImGui_ImplVulkan_NewFrame();
}

void Presenter::build_framebuffers() {
  framebuffers_.clear();
  rendered_.clear();
  const VkExtent2D e = swapchain_->extent();
  for (uint32_t i = 0; i < swapchain_->image_count(); ++i) {
    VkImageView view = swapchain_->view(i);
    VkFramebufferCreateInfo ci{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    ci.renderPass = render_pass_.get();
    ci.attachmentCount = 1;
    ci.pAttachments = &view;
    ci.width = e.width;
    ci.height = e.height;
    ci.layers = 1;
    VkFramebuffer fb = VK_NULL_HANDLE;
    gpu::check(vkCreateFramebuffer(ctx_.device(), &ci, nullptr, &fb), "vkCreateFramebuffer");
    framebuffers_.emplace_back(ctx_.device(), fb);
    rendered_.push_back(present::make_semaphore(ctx_.device()));
  }
}

void Presenter::resize(VkExtent2D size) {
  NF_ASSERT(size.width > 0 && size.height > 0, "a minimised (zero-size) window cannot be drawn");
  wait_frames();
  framebuffers_.clear();
  swapchain_->recreate(size);
  build_framebuffers();
  if (imgui_ready_) ImGui_ImplVulkan_SetMinImageCount(swapchain_->min_image_count());
  ++recreations_;
}

void Presenter::finish(Frame& f) {
  if (!f.in_flight) return;
  VkFence fence = f.fence.get();
  const VkResult r = vkWaitForFences(ctx_.device(), 1, &fence, VK_TRUE, UINT64_MAX);
  if (r != VK_SUCCESS) device_failed(ctx_, r, "vkWaitForFences");
  f.in_flight = false;
  if (f.timer && f.timed) last_gpu_ms_ = f.timer->elapsed_ms(0, 1);
}

void Presenter::wait_frames() {
  for (auto& f : frames_) finish(f);
}

void Presenter::read_back(VkCommandBuffer cmd, VkImage image) {
  const VkExtent2D e = swapchain_->extent();
  const uint64_t bytes = uint64_t(e.width) * e.height * 4;
  if (!readback_ || readback_.size() < bytes)
    readback_ = gpu::Buffer(ctx_, bytes, "screenshot", gpu::MemoryUsage::Host);
  image_barrier(cmd, image, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                VK_PIPELINE_STAGE_TRANSFER_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_ACCESS_TRANSFER_READ_BIT);
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {e.width, e.height, 1};
  vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback_.handle(), 1, &region);
  image_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                VK_PIPELINE_STAGE_TRANSFER_BIT, 0, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0);
  VkBufferMemoryBarrier b{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
  b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  b.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.buffer = readback_.handle();
  b.size = VK_WHOLE_SIZE;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &b,
                       0, nullptr);
}

bool Presenter::draw(const ViewportDraw* viewport, ImDrawData* ui, Image* screenshot) {
  Frame& f = frames_[frame_];
  finish(f);
  const auto index = swapchain_->acquire(f.acquired.get());
  if (!index) {
    resize(swapchain_->extent());
    return false;
  }
  const uint32_t image = *index;
  const bool shoot = screenshot && swapchain_->readable();
  if (screenshot && !shoot)
    fail("screenshot: this window's swapchain images cannot be read back (no TRANSFER_SRC usage)");

  VkCommandBuffer cmd = f.cmd;
  gpu::check(vkResetCommandBuffer(cmd, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  gpu::check(vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
  if (f.timer) {
    vkCmdResetQueryPool(cmd, f.timer->handle(), 0, 2);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, f.timer->handle(), 0);
  }
  VkClearValue clear{};
  clear.color = {{0.06f, 0.06f, 0.07f, 1.0f}};
  VkRenderPassBeginInfo rbi{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rbi.renderPass = render_pass_.get();
  rbi.framebuffer = framebuffers_[image].get();
  rbi.renderArea = {{0, 0}, swapchain_->extent()};
  rbi.clearValueCount = 1;
  rbi.pClearValues = &clear;
  vkCmdBeginRenderPass(cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
  if (viewport) viewport_->record(cmd, frame_, *viewport);
  if (ui) ImGui_ImplVulkan_RenderDrawData(ui, cmd);
  vkCmdEndRenderPass(cmd);
  if (shoot) read_back(cmd, swapchain_->image(image));
  if (f.timer) vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, f.timer->handle(), 1);
  gpu::check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");

  VkFence fence = f.fence.get();
  gpu::check(vkResetFences(ctx_.device(), 1, &fence), "vkResetFences");
  const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  VkSemaphore acquired = f.acquired.get(), rendered = rendered_[image].get();
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.waitSemaphoreCount = 1;
  si.pWaitSemaphores = &acquired;
  si.pWaitDstStageMask = &wait_stage;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  si.signalSemaphoreCount = 1;
  si.pSignalSemaphores = &rendered;
  const VkResult r = vkQueueSubmit(ctx_.queue(), 1, &si, fence);
  if (r != VK_SUCCESS) device_failed(ctx_, r, "vkQueueSubmit");
  f.in_flight = true;
  f.timed = f.timer != nullptr;
  frame_ = (frame_ + 1) % kFramesInFlight;
  const bool presented = swapchain_->present(image, rendered);

  if (shoot) {
    finish(f);
    const VkExtent2D e = swapchain_->extent();
    const auto* px = static_cast<const uint8_t*>(readback_.mapped());
    NF_ASSERT(px, "the screenshot buffer is host-visible and mapped");
    const bool bgr =
        swapchain_->format() == VK_FORMAT_B8G8R8A8_UNORM || swapchain_->format() == VK_FORMAT_B8G8R8A8_SRGB;
    *screenshot = Image(int(e.width), int(e.height), 3);
    for (size_t i = 0; i < screenshot->pixel_count(); ++i)
      for (int c = 0; c < 3; ++c) screenshot->pixels[i * 3 + c] = px[i * 4 + (bgr ? 2 - c : c)] / 255.0f;
  }
  if (!presented) resize(swapchain_->extent());
  return true;
}

}  // namespace nf::viewer
