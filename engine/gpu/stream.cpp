#include "gpu/stream.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::gpu {

Stream::Stream(Context& ctx, uint32_t slots) : ctx_(ctx), slots_(slots) {
  NF_ASSERT(slots > 0, "a Stream needs at least one slot");
  for (auto& s : slots_) {
    s.commands = std::make_unique<CommandList>(ctx);
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence f = VK_NULL_HANDLE;
    check(vkCreateFence(ctx.device(), &fci, nullptr, &f), "vkCreateFence");
    s.fence = FenceHandle(ctx.device(), f);
  }
}

Stream::~Stream() {
  for (auto& s : slots_)
    if (s.in_flight) {
      VkFence f = s.fence.get();
      vkWaitForFences(ctx_.device(), 1, &f, VK_TRUE, UINT64_MAX);
    }
}

void Stream::wait_slot(Slot& slot) {
  if (!slot.in_flight) return;
  VkFence f = slot.fence.get();
  const VkResult r = vkWaitForFences(ctx_.device(), 1, &f, VK_TRUE, UINT64_MAX);
  if (r == VK_ERROR_DEVICE_LOST) fail("the Vulkan device ", ctx_.info().name, " was lost while running nf's work");
  check(r, "vkWaitForFences");
  check(vkResetFences(ctx_.device(), 1, &f), "vkResetFences");
  slot.in_flight = false;
}

CommandList& Stream::begin() {
  NF_ASSERT(!recording_, "Stream::begin() called twice without submit()");
  Slot& slot = slots_[next_];
  wait_slot(slot);
  slot.commands->begin();
  recording_ = true;
  return *slot.commands;
}

void Stream::submit() {
  NF_ASSERT(recording_, "Stream::submit() without begin()");
  Slot& slot = slots_[next_];
  slot.commands->end();
  slot.commands->submitted(ctx_.submit(slot.commands->handle(), slot.fence.get()));
  slot.in_flight = true;
  recording_ = false;
  last_stats_ = slot.commands->stats();
  ++submits_;
  next_ = (next_ + 1) % uint32_t(slots_.size());
}

void Stream::wait() {
  for (auto& s : slots_) wait_slot(s);
}

}  // namespace nf::gpu
