#include "viewport_pipeline.hpp"

#include <algorithm>
#include <cmath>

#include "embedded.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"

namespace nf::viewer {
namespace {

gpu::ShaderModuleHandle module(VkDevice device, std::string_view name) {
  const auto code = shaders::find(name);
  VkShaderModuleCreateInfo ci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  ci.codeSize = code.size_bytes();
  ci.pCode = code.data();
  VkShaderModule m = VK_NULL_HANDLE;
  gpu::check(vkCreateShaderModule(device, &ci, nullptr, &m), "vkCreateShaderModule");
  return gpu::ShaderModuleHandle(device, m);
}

}  // namespace

uint32_t pack_rgb(float r, float g, float b) {
  const float rgb[3] = {r, g, b};
  uint32_t v = 0xff000000u;
  for (int c = 0; c < 3; ++c) v |= uint32_t(std::lround(std::clamp(rgb[c], 0.0f, 1.0f) * 255.0f)) << (8 * c);
  return v;
}

void pack_image(const Image& image, uint32_t* texels) {
  const int gray = image.channels >= 3 ? 0 : 1;  // channel offsets 1, 2 become 0 for gray images
  for (size_t p = 0; p < image.pixel_count(); ++p) {
    const float* px = &image.pixels[p * image.channels];
    texels[p] = pack_rgb(px[0], px[1 - gray], px[2 - 2 * gray]);
  }
}

ViewportPipeline::ViewportPipeline(gpu::Context& ctx, VkRenderPass render_pass, uint32_t slots) : ctx_(ctx) {
  const VkDevice device = ctx.device();
  VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_FRAGMENT_BIT,
                                       nullptr};
  VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  lci.bindingCount = 1;
  lci.pBindings = &binding;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  gpu::check(vkCreateDescriptorSetLayout(device, &lci, nullptr, &set_layout), "vkCreateDescriptorSetLayout");
  set_layout_ = gpu::DescriptorSetLayoutHandle(device, set_layout);

  VkPushConstantRange range{VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(ViewportPush)};
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &set_layout;
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &range;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  gpu::check(vkCreatePipelineLayout(device, &plci, nullptr, &layout), "vkCreatePipelineLayout");
  layout_ = gpu::PipelineLayoutHandle(device, layout);

  auto vert = module(device, "viewer/viewport.vert");
  auto frag = module(device, "viewer/viewport.frag");
  VkPipelineShaderStageCreateInfo stages[2] = {{VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO},
                                               {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO}};
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = vert.get();
  stages[0].pName = "main";
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = frag.get();
  stages[1].pName = "main";
  VkPipelineVertexInputStateCreateInfo vertex_input{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;
  VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
  VkPipelineColorBlendAttachmentState blend_attachment{};
  blend_attachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                    VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo blend{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  blend.attachmentCount = 1;
  blend.pAttachments = &blend_attachment;
  VkDynamicState dynamic_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dynamic.dynamicStateCount = 2;
  dynamic.pDynamicStates = dynamic_states;
  VkGraphicsPipelineCreateInfo ci{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  ci.stageCount = 2;
  ci.pStages = stages;
  ci.pVertexInputState = &vertex_input;
  ci.pInputAssemblyState = &assembly;
  ci.pViewportState = &viewport;
  ci.pRasterizationState = &raster;
  ci.pMultisampleState = &multisample;
  ci.pColorBlendState = &blend;
  ci.pDynamicState = &dynamic;
  ci.layout = layout;
  ci.renderPass = render_pass;
  VkPipeline pipeline = VK_NULL_HANDLE;
  gpu::check(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline),
             "vkCreateGraphicsPipelines");
  pipeline_ = gpu::PipelineHandle(device, pipeline);

  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, slots};
  VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pci.maxSets = slots;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &size;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  gpu::check(vkCreateDescriptorPool(device, &pci, nullptr, &pool), "vkCreateDescriptorPool");
  pool_ = gpu::DescriptorPoolHandle(device, pool);
  std::vector<VkDescriptorSetLayout> layouts(slots, set_layout);
  VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  ai.descriptorPool = pool;
  ai.descriptorSetCount = slots;
  ai.pSetLayouts = layouts.data();
  sets_.resize(slots);
  gpu::check(vkAllocateDescriptorSets(device, &ai, sets_.data()), "vkAllocateDescriptorSets");
}

void ViewportPipeline::record(VkCommandBuffer cmd, uint32_t slot, const ViewportDraw& draw) {
  if (!draw.planes || draw.push.width == 0 || draw.push.size[0] < 1 || draw.push.size[1] < 1) return;
  {  // rewritten every frame: the buffer may have been replaced since (a recycled handle value looks the
     // same)
    VkDescriptorBufferInfo info{draw.planes->handle(), 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w.dstSet = sets_[slot];
    w.descriptorCount = 1;
    w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    w.pBufferInfo = &info;
    vkUpdateDescriptorSets(ctx_.device(), 1, &w, 0, nullptr);
  }
  const auto& p = draw.push;
  VkViewport vp{p.origin[0], p.origin[1], p.size[0], p.size[1], 0.0f, 1.0f};
  VkRect2D scissor{{int32_t(p.origin[0]), int32_t(p.origin[1])}, {uint32_t(p.size[0]), uint32_t(p.size[1])}};
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_.get());
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, layout_.get(), 0, 1, &sets_[slot], 0,
                          nullptr);
  vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(ViewportPush), &p);
  vkCmdDraw(cmd, 3, 1, 0, 0);
}

}  // namespace nf::viewer
