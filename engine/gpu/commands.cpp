#include "gpu/commands.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "gpu/program.hpp"
#include "gpu/profiler.hpp"
#include "gpu/timestamps.hpp"

namespace nf::gpu {
namespace {

constexpr uint32_t kSetsPerPool = 256;
constexpr uint32_t kMaxGroups = 65535;

DescriptorPoolHandle make_descriptor_pool(VkDevice device) {
  const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * 8},
                                        {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kSetsPerPool * 2},
                                        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, kSetsPerPool * 4}};
  VkDescriptorPoolCreateInfo ci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  ci.maxSets = kSetsPerPool;
  ci.poolSizeCount = 3;
  ci.pPoolSizes = sizes;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  check(vkCreateDescriptorPool(device, &ci, nullptr, &pool), "vkCreateDescriptorPool");
  return DescriptorPoolHandle(device, pool);
}

}  // namespace

Groups Groups::linear(uint64_t items, uint32_t group_size) {
  const uint64_t total = std::max<uint64_t>(1, (items + group_size - 1) / group_size);
  if (total <= kMaxGroups) return {uint32_t(total), 1, 1};
  const uint64_t y = (total + kMaxGroups - 1) / kMaxGroups;
  NF_ASSERT(y <= kMaxGroups, "dispatch of ", items, " items is too large for one command");
  return {kMaxGroups, uint32_t(y), 1};
}

CommandList::CommandList(Context& ctx) : ctx_(ctx) {
  VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pci.queueFamilyIndex = ctx.queue_family();
  VkCommandPool pool = VK_NULL_HANDLE;
  check(vkCreateCommandPool(ctx.device(), &pci, nullptr, &pool), "vkCreateCommandPool");
  pool_ = CommandPoolHandle(ctx.device(), pool);
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = pool;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  check(vkAllocateCommandBuffers(ctx.device(), &ai, &cmd_), "vkAllocateCommandBuffers");
  descriptor_pools_.push_back(make_descriptor_pool(ctx.device()));
}

CommandList::~CommandList() = default;  // the pool frees the command buffer

void CommandList::begin() {
  NF_ASSERT(!recording_, "CommandList::begin() called twice without end()");
  check(vkResetCommandPool(ctx_.device(), pool_.get(), 0), "vkResetCommandPool");
  for (auto& p : descriptor_pools_) check(vkResetDescriptorPool(ctx_.device(), p.get(), 0), "vkResetDescriptorPool");
  current_pool_ = 0;
  views_.clear();
  written_.clear();
  read_.clear();
  used_.clear();
  pending_barrier_ = false;
  stats_ = {};
  profiler_ = nullptr;
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
  recording_ = true;
  // Order this list after everything submitted before it on the queue (a barrier's first scope covers all
  // earlier submissions): consecutive training steps reuse the same buffers.
  barrier();
}

void CommandList::end() {
  NF_ASSERT(recording_, "CommandList::end() without begin()");
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
  check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  recording_ = false;
}

void CommandList::barrier() {
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_UNIFORM_READ_BIT |
                     VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
  written_.clear();
  read_.clear();
  ++stats_.barriers;
}

// Records a barrier first when this access conflicts with one since the last barrier.
void CommandList::hazard(const Buffer& b, bool writes) {
  used_.insert(&b);
  const VkBuffer buffer = b.handle();
  if (written_.count(buffer) || (writes && read_.count(buffer))) pending_barrier_ = true;
}

void CommandList::submitted(uint64_t submission) const {
  for (const Buffer* b : used_) b->note_use(submission);
}

VkDescriptorSet CommandList::allocate_set(VkDescriptorSetLayout layout) {
  for (;;) {
    if (current_pool_ == descriptor_pools_.size()) descriptor_pools_.push_back(make_descriptor_pool(ctx_.device()));
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = descriptor_pools_[current_pool_].get();
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    const VkResult r = vkAllocateDescriptorSets(ctx_.device(), &ai, &set);
    if (r == VK_SUCCESS) return set;
    if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL) check(r, "vkAllocateDescriptorSets");
    ++current_pool_;
  }
}

void CommandList::dispatch(const Program& program, Groups groups, std::initializer_list<Bind> bindings,
                           const void* push, uint32_t push_bytes) {
  NF_ASSERT(recording_, "dispatch outside begin()/end()");
  const auto& desc = program.desc();
  NF_ASSERT(bindings.size() == desc.bindings.size(), "program '", desc.shader, "' takes ", desc.bindings.size(),
            " bindings, dispatch gave ", bindings.size());
  NF_ASSERT(push_bytes == desc.push_constant_bytes, "program '", desc.shader, "' takes ",
            desc.push_constant_bytes, " bytes of push constants, dispatch gave ", push_bytes);

  std::vector<VkDescriptorBufferInfo> infos(bindings.size());
  std::vector<VkBufferView> views(bindings.size(), VK_NULL_HANDLE);
  std::vector<VkWriteDescriptorSet> writes(bindings.size());
  const VkDescriptorSet set = allocate_set(program.set_layout());
  uint32_t i = 0;
  for (const Bind& b : bindings) {
    NF_ASSERT(b.buffer && *b.buffer, "program '", desc.shader, "': binding ", i, " has no buffer");
    const uint64_t range = b.range == VK_WHOLE_SIZE ? b.buffer->size() - b.offset : b.range;
    NF_ASSERT(b.offset + range <= b.buffer->size(), "program '", desc.shader, "': binding ", i,
              " overruns buffer '", b.buffer->name(), "'");
    const BindingKind kind = desc.bindings[i];
    const bool texel = kind == BindingKind::Texel || kind == BindingKind::FloatTexel;
    const uint64_t texel_bytes = kind == BindingKind::Texel ? 16 : 4;
    const auto& info = ctx_.info();
    const uint64_t align = kind == BindingKind::Uniform ? info.min_uniform_offset_alignment
                           : texel                      ? info.min_texel_offset_alignment
                                                        : info.min_storage_offset_alignment;
    NF_ASSERT(b.offset % align == 0, "program '", desc.shader, "': binding ", i, " offset ", b.offset,
              " is not a multiple of the device's alignment ", align);
    const uint64_t limit = kind == BindingKind::Uniform ? info.max_uniform_buffer_range
                           : texel                      ? info.max_texel_buffer_elements * texel_bytes
                                                        : info.max_storage_buffer_range;
    NF_ASSERT(range <= limit, "program '", desc.shader, "': binding ", i, " of ", range,
              " bytes exceeds this device's limit of ", limit, " bytes; split the buffer");
    auto& w = writes[i];
    w = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w.dstSet = set;
    w.dstBinding = i;
    w.descriptorCount = 1;
    w.descriptorType = descriptor_type(kind);
    if (texel) {
      NF_ASSERT(b.access == Access::Read && range >= texel_bytes, "program '", desc.shader, "': binding ", i,
                " is a texel buffer: bind at least one texel (", texel_bytes, " bytes), read only");
      VkBufferViewCreateInfo vci{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
      vci.buffer = b.buffer->handle();
      vci.format = kind == BindingKind::Texel ? VK_FORMAT_R32G32B32A32_SFLOAT : VK_FORMAT_R32_SFLOAT;
      vci.offset = b.offset;
      vci.range = range / texel_bytes * texel_bytes;  // whole texels
      check(vkCreateBufferView(ctx_.device(), &vci, nullptr, &views[i]), "vkCreateBufferView");
      views_.emplace_back(ctx_.device(), views[i]);
      w.pTexelBufferView = &views[i];
    } else {
      infos[i] = {b.buffer->handle(), b.offset, b.range == VK_WHOLE_SIZE ? VK_WHOLE_SIZE : range};
      w.pBufferInfo = &infos[i];
    }
    hazard(*b.buffer, b.access != Access::Read);
    ++i;
  }
  if (pending_barrier_) {
    barrier();
    pending_barrier_ = false;
  }
  for (const Bind& b : bindings) (b.access == Access::Read ? read_ : written_).insert(b.buffer->handle());
  vkUpdateDescriptorSets(ctx_.device(), uint32_t(writes.size()), writes.data(), 0, nullptr);
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, program.pipeline());
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, program.layout(), 0, 1, &set, 0, nullptr);
  if (push_bytes) vkCmdPushConstants(cmd_, program.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
  vkCmdDispatch(cmd_, groups.x, groups.y, groups.z);
  ++stats_.dispatches;
  profile(desc.shader);
}

void CommandList::set_profiler(Profiler* profiler) {
  profiler_ = profiler;
  if (!profiler_) return;
  profiler_->clear();
  vkCmdResetQueryPool(cmd_, profiler_->pool().handle(), 0, profiler_->pool().capacity());
  profile("start");
}

void CommandList::profile(const std::string& label) {
  if (!profiler_) return;
  const int q = profiler_->next(label);
  if (q >= 0) vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, profiler_->pool().handle(), uint32_t(q));
}

void CommandList::fill(Buffer& dst, uint32_t word, uint64_t offset, uint64_t bytes) {
  NF_ASSERT(recording_, "fill outside begin()/end()");
  hazard(dst, true);
  if (pending_barrier_) {
    barrier();
    pending_barrier_ = false;
  }
  written_.insert(dst.handle());
  vkCmdFillBuffer(cmd_, dst.handle(), offset, bytes, word);
  ++stats_.transfers;
  profile("fill");
}

void CommandList::copy(const Buffer& src, Buffer& dst, uint64_t bytes, uint64_t src_offset, uint64_t dst_offset) {
  NF_ASSERT(recording_, "copy outside begin()/end()");
  NF_ASSERT(src_offset + bytes <= src.size() && dst_offset + bytes <= dst.size(), "copy of ", bytes,
            " bytes overruns '", src.name(), "' or '", dst.name(), "'");
  hazard(src, false);
  hazard(dst, true);
  if (pending_barrier_) {
    barrier();
    pending_barrier_ = false;
  }
  read_.insert(src.handle());
  written_.insert(dst.handle());
  const VkBufferCopy region{src_offset, dst_offset, bytes};
  vkCmdCopyBuffer(cmd_, src.handle(), dst.handle(), 1, &region);
  ++stats_.transfers;
  profile("copy");
}

void CommandList::reset_timestamps(TimestampPool& pool) {
  vkCmdResetQueryPool(cmd_, pool.handle(), 0, pool.capacity());
}

void CommandList::write_timestamp(TimestampPool& pool, uint32_t query) {
  NF_ASSERT(query < pool.capacity(), "timestamp query ", query, " beyond pool capacity ", pool.capacity());
  vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool.handle(), query);
}

}  // namespace nf::gpu
