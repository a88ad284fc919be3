#pragma once
// Draws frames into a window's swapchain on the context's queue: the mode's viewport (ViewportPipeline),
// then the Dear ImGui draw data, in one render pass per frame, with two frames in flight. Owns the ImGui
// Vulkan backend (its font texture and descriptor pool), times every frame on the GPU with timestamp
// queries, and reads a frame back for screenshots (UI included).
//
// Contract: draw() handles an out-of-date or suboptimal swapchain by recreating it for the window's current
// size and skipping that frame (returns false); a zero-size (minimised) window must not be drawn. Device
// loss throws nf::Error.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/image.hpp"
#include "gpu/buffer.hpp"
#include "gpu/timestamps.hpp"
#include "present/swapchain.hpp"
#include "viewport_pipeline.hpp"

struct ImDrawData;

namespace nf::viewer {

class Presenter {
 public:
  static constexpr uint32_t kFramesInFlight = 2;

  // ImGui's context must exist (the GLFW backend may be initialised before or after).
  Presenter(gpu::Context& ctx, VkSurfaceKHR surface, VkExtent2D size, present::PresentMode mode);
  ~Presenter();
  Presenter(const Presenter&) = delete;
  Presenter& operator=(const Presenter&) = delete;

  // Draws and presents one frame. screenshot: when set, the frame is also read back into it (RGB, [0,1]).
  // Returns false when the frame was skipped because the swapchain had to be recreated.
  bool draw(const ViewportDraw* viewport, ImDrawData* ui, Image* screenshot = nullptr);
  // Starts the ImGui Vulkan backend's frame; call before ImGui::NewFrame().
  void new_ui_frame();
  // Recreates the swapchain for size (e.g. after the window was resized).
  void resize(VkExtent2D size);
  // Waits until no frame is in flight (before changing what a ViewportDraw points at).
  void wait_frames();

  VkExtent2D extent() const { return swapchain_->extent(); }
  // GPU time of the most recent completed frame (timestamps), or nullopt when unavailable.
  std::optional<double> last_gpu_ms() const { return last_gpu_ms_; }
  uint64_t recreations() const { return recreations_; }

 private:
  struct Frame {
    gpu::CommandPoolHandle pool;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    gpu::FenceHandle fence;
    present::SemaphoreHandle acquired;
    std::unique_ptr<gpu::TimestampPool> timer;
    bool in_flight = false, timed = false;
  };
  void build_framebuffers();
  void finish(Frame& f);
  void read_back(VkCommandBuffer cmd, VkImage image);

  gpu::Context& ctx_;
  std::unique_ptr<present::Swapchain> swapchain_;
  present::RenderPassHandle render_pass_;
  std::vector<present::FramebufferHandle> framebuffers_;
  std::vector<present::SemaphoreHandle> rendered_;  // one per swapchain image
  Frame frames_[kFramesInFlight];
  uint32_t frame_ = 0;
  std::unique_ptr<ViewportPipeline> viewport_;
  gpu::DescriptorPoolHandle imgui_pool_;
  bool imgui_ready_ = false;
  gpu::Buffer readback_;
  std::optional<double> last_gpu_ms_;
  uint64_t recreations_ = 0;
};

}  // namespace nf::viewer
