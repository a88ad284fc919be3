#include "gpu/program.hpp"

#include "core/error.hpp"
#include "embedded.hpp"
#include "gpu/context.hpp"

namespace nf::gpu {

namespace {

// The embedded shader a program runs: name, or its compare-and-swap variant where float atomics are missing.
std::string variant(const Context& ctx, const std::string& name) {
  if (ctx.features().float_atomic_add || name.find('@') != std::string::npos) return name;
  const std::string cas = name + "@cas";
  for (const auto& e : shaders::all())
    if (cas == e.name) return cas;
  return name;
}

}  // namespace

Program::Program(Context& ctx, ProgramDesc desc) : desc_(std::move(desc)) {
  const VkDevice device = ctx.device();
  const std::string shader = variant(ctx, desc_.shader);
  const auto spirv = shaders::find(shader);
  NF_ASSERT(desc_.workgroup_size > 0 && desc_.workgroup_size <= ctx.info().max_workgroup_invocations,
            "program '", desc_.shader, "': workgroup size ", desc_.workgroup_size, " exceeds the device limit ",
            ctx.info().max_workgroup_invocations);

  VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  smci.codeSize = spirv.size_bytes();
  smci.pCode = spirv.data();
  VkShaderModule raw_module = VK_NULL_HANDLE;
  check(vkCreateShaderModule(device, &smci, nullptr, &raw_module), cat("shader '", shader, "'").c_str());
  ShaderModuleHandle module(device, raw_module);

  std::vector<VkDescriptorSetLayoutBinding> bindings;
  for (uint32_t i = 0; i < desc_.bindings.size(); ++i) {
    VkDescriptorSetLayoutBinding b{};
    b.binding = i;
    b.descriptorType = descriptor_type(desc_.bindings[i]);
    b.descriptorCount = 1;
    b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    bindings.push_back(b);
  }
  VkDescriptorSetLayoutCreateInfo dslci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  dslci.bindingCount = uint32_t(bindings.size());
  dslci.pBindings = bindings.data();
  VkDescriptorSetLayout raw_set_layout = VK_NULL_HANDLE;
  check(vkCreateDescriptorSetLayout(device, &dslci, nullptr, &raw_set_layout), "vkCreateDescriptorSetLayout");
  set_layout_ = DescriptorSetLayoutHandle(device, raw_set_layout);

  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc_.push_constant_bytes};
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &raw_set_layout;
  plci.pushConstantRangeCount = desc_.push_constant_bytes ? 1 : 0;
  plci.pPushConstantRanges = &range;
  VkPipelineLayout raw_layout = VK_NULL_HANDLE;
  check(vkCreatePipelineLayout(device, &plci, nullptr, &raw_layout), "vkCreatePipelineLayout");
  layout_ = PipelineLayoutHandle(device, raw_layout);

  std::vector<uint32_t> values{desc_.workgroup_size};
  values.insert(values.end(), desc_.constants.begin(), desc_.constants.end());
  std::vector<VkSpecializationMapEntry> entries;
  for (uint32_t i = 0; i < values.size(); ++i) entries.push_back({i, i * 4u, 4u});
  VkSpecializationInfo spec{uint32_t(entries.size()), entries.data(), values.size() * 4, values.data()};

  VkComputePipelineCreateInfo cpci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = raw_module;
  cpci.stage.pName = "main";
  cpci.stage.pSpecializationInfo = &spec;
  cpci.layout = raw_layout;
  VkPipeline raw_pipeline = VK_NULL_HANDLE;
  check(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &cpci, nullptr, &raw_pipeline),
        cat("creating pipeline for shader '", desc_.shader, "'").c_str());
  pipeline_ = PipelineHandle(device, raw_pipeline);
  ctx.set_name(VK_OBJECT_TYPE_PIPELINE, uint64_t(raw_pipeline), shader);
}

}  // namespace nf::gpu
