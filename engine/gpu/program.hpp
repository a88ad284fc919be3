#pragma once
// A compute program: an embedded SPIR-V shader turned into a pipeline with its descriptor-set layout.
//
// Shader contract: every resource is in set 0, binding i is desc.bindings[i]; the workgroup size is
// specialization constant 0 (`layout(local_size_x_id = 0) in;`), and desc.constants[j] is constant j + 1.
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "gpu/vk.hpp"

namespace nf::gpu {

class Context;

// Storage and Uniform: buffers (GLSL `buffer`, `uniform` blocks). Texel: a read-only uniform texel buffer
// of vec4s (GLSL `uniform textureBuffer`, RGBA32F, read with texelFetch); FloatTexel: the same of floats
// (R32F, the value in .x). CPU devices gather texels without the per-invocation loop that their
// storage-buffer loads take.
enum class BindingKind { Storage, Uniform, Texel, FloatTexel };

struct ProgramDesc {
  // Embedded name, e.g. "nn/adam". A shader that uses float atomics comes with an "@cas" variant (the same
  // code on compare-and-swap loops): on a device without float atomics the program takes it by itself.
  std::string shader;
  std::vector<BindingKind> bindings;
  uint32_t push_constant_bytes = 0;
  uint32_t workgroup_size = 64;
  std::vector<uint32_t> constants;  // raw 32-bit values; floats via constant(float)
};

inline uint32_t constant(float v) { return std::bit_cast<uint32_t>(v); }

inline VkDescriptorType descriptor_type(BindingKind kind) {
  switch (kind) {
    case BindingKind::Uniform: return VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    case BindingKind::Texel:
    case BindingKind::FloatTexel: return VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
    default: return VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  }
}

class Program {
 public:
  Program() = default;
  Program(Context& ctx, ProgramDesc desc);
  Program(Program&&) noexcept = default;
  Program& operator=(Program&&) noexcept = default;

  const ProgramDesc& desc() const { return desc_; }
  VkPipeline pipeline() const { return pipeline_.get(); }
  VkPipelineLayout layout() const { return layout_.get(); }
  VkDescriptorSetLayout set_layout() const { return set_layout_.get(); }
  uint32_t workgroup_size() const { return desc_.workgroup_size; }
  explicit operator bool() const { return bool(pipeline_); }

 private:
  ProgramDesc desc_;
  DescriptorSetLayoutHandle set_layout_;
  PipelineLayoutHandle layout_;
  PipelineHandle pipeline_;
};

// Number of workgroups of `group_size` covering `n` items.
inline uint32_t groups_for(uint64_t n, uint32_t group_size) { return uint32_t((n + group_size - 1) / group_size); }

}  // namespace nf::gpu
