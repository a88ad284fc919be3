#include "gpu/timestamps.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::gpu {

TimestampPool::TimestampPool(Context& ctx, uint32_t capacity) : ctx_(ctx), capacity_(capacity) {
  NF_ASSERT(ctx.features().timestamps, "device ", ctx.info().name, " has no timestamp queries on its queue");
  VkQueryPoolCreateInfo ci{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  ci.queryType = VK_QUERY_TYPE_TIMESTAMP;
  ci.queryCount = capacity;
  VkQueryPool pool = VK_NULL_HANDLE;
  check(vkCreateQueryPool(ctx.device(), &ci, nullptr, &pool), "vkCreateQueryPool");
  pool_ = QueryPoolHandle(ctx.device(), pool);
}

double TimestampPool::elapsed_ms(uint32_t a, uint32_t b) const {
  NF_ASSERT(a < capacity_ && b < capacity_, "timestamp index out of range");
  uint64_t ta = 0, tb = 0;
  const VkQueryResultFlags flags = VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT;
  check(vkGetQueryPoolResults(ctx_.device(), pool_.get(), a, 1, 8, &ta, 8, flags), "vkGetQueryPoolResults");
  check(vkGetQueryPoolResults(ctx_.device(), pool_.get(), b, 1, 8, &tb, 8, flags), "vkGetQueryPoolResults");
  return double(int64_t(tb - ta)) * ctx_.features().timestamp_period_ns * 1e-6;  // negative when b is earlier
}

}  // namespace nf::gpu
