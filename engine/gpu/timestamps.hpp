#pragma once
// GPU timing with timestamp queries (not host clocks).
#include <cstdint>
#include <vector>

#include "gpu/vk.hpp"

namespace nf::gpu {

class Context;

class TimestampPool {
 public:
  // capacity: number of timestamps; the device must support timestamps (ctx.features().timestamps).
  TimestampPool(Context& ctx, uint32_t capacity);
  VkQueryPool handle() const { return pool_.get(); }
  uint32_t capacity() const { return capacity_; }
  // Milliseconds between timestamps a and b of the last completed submission that wrote them; waits for
  // the results.
  double elapsed_ms(uint32_t a, uint32_t b) const;

 private:
  Context& ctx_;
  QueryPoolHandle pool_;
  uint32_t capacity_ = 0;
};

}  // namespace nf::gpu
