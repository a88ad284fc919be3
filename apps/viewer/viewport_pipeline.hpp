#pragma once
// The graphics pipeline that draws a mode's images into the viewport rectangle of the window (shaders
// viewer/viewport.vert and .frag): planes of RGBA8 texels read from a storage buffer, zoomed and panned,
// optionally split. It draws inside the frame's render pass, before the UI.
#include <cstdint>
#include <vector>

#include "core/image.hpp"
#include "gpu/vk.hpp"
#include "present/present_handles.hpp"

namespace nf::gpu {
class Buffer;
class Context;
}  // namespace nf::gpu

namespace nf::viewer {

// Push constants of viewport.frag (std430 layout, 64 bytes).
struct ViewportPush {
  float origin[2] = {0, 0};  // viewport's top-left corner, framebuffer pixels
  float size[2] = {0, 0};
  float offset[2] = {0, 0};  // image position (pixels) at the viewport's top-left corner
  float scale = 1;           // image pixels per framebuffer pixel
  uint32_t width = 0, height = 0;
  uint32_t left_plane = 0, right_plane = 0;
  float split_x = 0;
  float background[4] = {0.1f, 0.1f, 0.1f, 1.0f};
};
static_assert(sizeof(ViewportPush) == 64);

// Texels of the planes (RGBA8, as unpackUnorm4x8 reads them) from RGB in [0, 1] (clamped); pack_image
// writes an image's pixels (gray images as gray, alpha ignored) to texels[0 .. width * height).
uint32_t pack_rgb(float r, float g, float b);
void pack_image(const Image& image, uint32_t* texels);

// What the viewport shows this frame: `planes` holds width x height RGBA8 texels per plane.
struct ViewportDraw {
  const gpu::Buffer* planes = nullptr;
  ViewportPush push;
};

class ViewportPipeline {
 public:
  // slots: frames in flight; each has its own descriptor set, updated only when its frame is not running.
  ViewportPipeline(gpu::Context& ctx, VkRenderPass render_pass, uint32_t slots);
  ViewportPipeline(const ViewportPipeline&) = delete;
  ViewportPipeline& operator=(const ViewportPipeline&) = delete;

  // Records the draw into cmd (inside the render pass). slot's previous frame must have completed.
  void record(VkCommandBuffer cmd, uint32_t slot, const ViewportDraw& draw);

 private:
  gpu::Context& ctx_;
  gpu::DescriptorSetLayoutHandle set_layout_;
  gpu::PipelineLayoutHandle layout_;
  gpu::PipelineHandle pipeline_;
  gpu::DescriptorPoolHandle pool_;
  std::vector<VkDescriptorSet> sets_;
};

}  // namespace nf::viewer
