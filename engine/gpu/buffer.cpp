#include "gpu/buffer.hpp"

#include <cstring>
#include <utility>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::gpu {

Buffer::Buffer(Context& ctx, uint64_t bytes, const std::string& name, MemoryUsage usage)
    : ctx_(&ctx), size_(bytes), name_(name) {
  const VkDevice device = ctx.device();
  VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bci.size = bytes ? (bytes + 3) & ~uint64_t(3) : 4;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
              VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
              VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer raw = VK_NULL_HANDLE;
  check(vkCreateBuffer(device, &bci, nullptr, &raw), cat("creating buffer '", name, "'").c_str());
  buffer_ = BufferHandle(device, raw);
  ctx.set_name(VK_OBJECT_TYPE_BUFFER, uint64_t(raw), name);

  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device, raw, &req);
  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int type = -1;
  if (usage == MemoryUsage::Host) {
    type = ctx.find_memory_type(req.memoryTypeBits, host);
  } else {
    type = ctx.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0) type = ctx.find_memory_type(req.memoryTypeBits, 0);
  }
  if (type < 0) fail("buffer '", name, "': no suitable memory type on ", ctx.info().name);
  ctx.check_budget(uint32_t(type), req.size, name);
  VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = uint32_t(type);
  VkDeviceMemory mem = VK_NULL_HANDLE;
  const VkResult r = vkAllocateMemory(device, &mai, nullptr, &mem);
  if (r != VK_SUCCESS)
    fail("buffer '", name, "': cannot allocate ", req.size, " bytes of device memory (", result_name(r),
         "; ", ctx.memory().current_bytes, " bytes already in use)");
  memory_ = MemoryHandle(device, mem);
  allocated_ = req.size;
  ctx.note_allocation(allocated_);
  check(vkBindBufferMemory(device, raw, mem, 0), "vkBindBufferMemory");

  const bool mappable = (ctx.memory_type_flags(uint32_t(type)) & host) == host;
  if (mappable && (usage == MemoryUsage::Host || !ctx.force_staging()))
    check(vkMapMemory(device, mem, 0, VK_WHOLE_SIZE, 0, &mapped_), "vkMapMemory");
}

Buffer::~Buffer() { release(); }

void Buffer::release() {
  if (ctx_ && memory_) {
    ctx_->wait_for(last_use_);  // never free memory a submission may still use
    ctx_->note_free(allocated_);
  }
  buffer_.reset();
  memory_.reset();  // vkFreeMemory unmaps implicitly
  mapped_ = nullptr;
  allocated_ = 0;
}

Buffer::Buffer(Buffer&& o) noexcept { *this = std::move(o); }

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    release();
    ctx_ = o.ctx_;
    buffer_ = std::move(o.buffer_);
    memory_ = std::move(o.memory_);
    size_ = std::exchange(o.size_, 0);
    allocated_ = std::exchange(o.allocated_, 0);
    mapped_ = std::exchange(o.mapped_, nullptr);
    name_ = std::move(o.name_);
    last_use_ = std::exchange(o.last_use_, 0);
  }
  return *this;
}

void Buffer::upload(const void* data, uint64_t bytes, uint64_t offset) {
  NF_ASSERT(offset + bytes <= size_, "upload to '", name_, "' of ", bytes, " bytes at ", offset,
            " overruns its ", size_, " bytes");
  if (bytes == 0) return;
  if (mapped_) {
    ctx_->wait_for(last_use_);
    std::memcpy(static_cast<char*>(mapped_) + offset, data, bytes);
    return;
  }
  Buffer staging(*ctx_, bytes, name_ + " (upload staging)", MemoryUsage::Host);
  std::memcpy(staging.mapped(), data, bytes);
  ctx_->run_once([&](VkCommandBuffer cmd) {
    VkBufferCopy region{0, offset, bytes};
    vkCmdCopyBuffer(cmd, staging.handle(), handle(), 1, &region);
  });
}

void Buffer::download(void* data, uint64_t bytes, uint64_t offset) const {
  NF_ASSERT(offset + bytes <= size_, "download from '", name_, "' of ", bytes, " bytes at ", offset,
            " overruns its ", size_, " bytes");
  if (bytes == 0) return;
  if (mapped_) {
    ctx_->wait_for(last_use_);
    std::memcpy(data, static_cast<const char*>(mapped_) + offset, bytes);
    return;
  }
  Buffer staging(*ctx_, bytes, name_ + " (download staging)", MemoryUsage::Host);
  ctx_->run_once([&](VkCommandBuffer cmd) {
    VkBufferCopy region{offset, 0, bytes};
    vkCmdCopyBuffer(cmd, handle(), staging.handle(), 1, &region);
  });
  std::memcpy(data, staging.mapped(), bytes);
}

}  // namespace nf::gpu
