#pragma once
// Command recording for compute work.
//
// A CommandList records dispatches, fills and copies into one command buffer. It inserts the memory
// barriers itself: every binding says whether the dispatch reads or writes the buffer, and a barrier is
// recorded before any command that would read-after-write, write-after-write or write-after-read a buffer
// touched since the last barrier, and one at the start so that the list runs after all earlier submissions.
// Descriptor sets come from the list's own pools, recycled by begin().
#include <cstdint>
#include <initializer_list>
#include <string>
#include <unordered_set>
#include <vector>

#include "gpu/vk.hpp"

namespace nf::gpu {

class Buffer;
class Context;
class Program;
class TimestampPool;
class Profiler;

enum class Access { Read, Write, ReadWrite };

// One buffer bound to a binding slot of a dispatch.
struct Bind {
  const Buffer* buffer = nullptr;
  Access access = Access::Read;
  uint64_t offset = 0;
  uint64_t range = VK_WHOLE_SIZE;

  static Bind in(const Buffer& b, uint64_t offset = 0, uint64_t range = VK_WHOLE_SIZE) {
    return {&b, Access::Read, offset, range};
  }
  static Bind out(Buffer& b, uint64_t offset = 0, uint64_t range = VK_WHOLE_SIZE) {
    return {&b, Access::Write, offset, range};
  }
  static Bind inout(Buffer& b, uint64_t offset = 0, uint64_t range = VK_WHOLE_SIZE) {
    return {&b, Access::ReadWrite, offset, range};
  }
};

// Workgroup counts; `linear(n, size)` covers n items with at most 65535 groups per dimension (shaders
// recover the item index with nf_item_index() from shaders/include/common.glsl and bound-check it).
struct Groups {
  uint32_t x = 1, y = 1, z = 1;
  static Groups linear(uint64_t items, uint32_t group_size);
};

struct CommandStats {
  uint32_t dispatches = 0;
  uint32_t barriers = 0;
  uint32_t transfers = 0;
};

class CommandList {
 public:
  explicit CommandList(Context& ctx);
  ~CommandList();
  CommandList(const CommandList&) = delete;
  CommandList& operator=(const CommandList&) = delete;

  // Starts recording; the list must not be executing (wait for its fence first).
  void begin();
  // Finishes recording; adds a barrier that makes all writes visible to the host after the fence.
  void end();
  VkCommandBuffer handle() const { return cmd_; }
  // After Context::submit of this recording: tells every buffer it used (Buffer::note_use).
  void submitted(uint64_t submission) const;
  const CommandStats& stats() const { return stats_; }

  void dispatch(const Program& program, Groups groups, std::initializer_list<Bind> bindings,
                const void* push = nullptr, uint32_t push_bytes = 0);
  template <class Push>
  void dispatch(const Program& program, Groups groups, std::initializer_list<Bind> bindings, const Push& push) {
    dispatch(program, groups, bindings, &push, sizeof(Push));
  }

  // Fills [offset, offset + bytes) with a repeated 32-bit word (bytes a multiple of 4, or VK_WHOLE_SIZE).
  void fill(Buffer& dst, uint32_t word = 0, uint64_t offset = 0, uint64_t bytes = VK_WHOLE_SIZE);
  void copy(const Buffer& src, Buffer& dst, uint64_t bytes, uint64_t src_offset = 0, uint64_t dst_offset = 0);
  void write_timestamp(TimestampPool& pool, uint32_t query);
  void reset_timestamps(TimestampPool& pool);
  // Times every following command of this recording (nullptr stops); see profiler.hpp.
  void set_profiler(Profiler* profiler);

 private:
  void hazard(const Buffer& buffer, bool writes);
  void barrier();
  void profile(const std::string& label);
  VkDescriptorSet allocate_set(VkDescriptorSetLayout layout);

  Context& ctx_;
  CommandPoolHandle pool_;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  std::vector<DescriptorPoolHandle> descriptor_pools_;
  size_t current_pool_ = 0;
  std::vector<BufferViewHandle> views_;  // texel-buffer views of this recording
  std::unordered_set<VkBuffer> written_, read_;
  std::unordered_set<const Buffer*> used_;  // every buffer of this recording
  bool pending_barrier_ = false;
  CommandStats stats_;
  bool recording_ = false;
  Profiler* profiler_ = nullptr;
};

}  // namespace nf::gpu
