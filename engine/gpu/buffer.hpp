#pragma once
// A VkBuffer with its own memory allocation, usable as storage, uniform, and transfer source/destination.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gpu/vk.hpp"

namespace nf::gpu {

class Context;

enum class MemoryUsage {
  // Fastest for kernels. Mapped for direct host access when the device memory is also host visible
  // (lavapipe, integrated GPUs), otherwise reached through staging copies.
  Device,
  // Host-visible, coherent: for small values the host reads or writes every step (metrics, counters).
  Host,
};

class Buffer {
 public:
  Buffer() = default;
  // bytes may be 0 (a 4-byte buffer is made, so bindings stay valid). The name shows in validation messages.
  Buffer(Context& ctx, uint64_t bytes, const std::string& name, MemoryUsage usage = MemoryUsage::Device);
  ~Buffer();
  Buffer(Buffer&&) noexcept;
  Buffer& operator=(Buffer&&) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_.get(); }
  uint64_t size() const { return size_; }
  const std::string& name() const { return name_; }
  // Host pointer to the whole buffer, or nullptr when its memory is not mapped.
  void* mapped() const { return mapped_; }
  explicit operator bool() const { return bool(buffer_); }

  // Copies between host memory and [offset, offset + bytes) of the buffer; returns when done. Safe against GPU
  // work by construction: a mapped buffer first waits for the last submission that used it (see note_use);
  // a staging copy is ordered after everything submitted before it and before everything submitted after.
  void upload(const void* data, uint64_t bytes, uint64_t offset = 0);
  void download(void* data, uint64_t bytes, uint64_t offset = 0) const;

  // Records that queue submission `submission` (Context::submit's value) uses this buffer: host access and
  // destruction wait for it. CommandList calls this for every buffer it binds, fills or copies.
  void note_use(uint64_t submission) const { last_use_ = submission > last_use_ ? submission : last_use_; }

  template <class T>
  void upload(std::span<const T> values, uint64_t offset = 0) {
    upload(values.data(), values.size_bytes(), offset);
  }
  template <class T>
  std::vector<T> download_all() const {
    std::vector<T> out(size_ / sizeof(T));
    download(out.data(), out.size() * sizeof(T));
    return out;
  }

 private:
  void release();

  Context* ctx_ = nullptr;
  BufferHandle buffer_;
  MemoryHandle memory_;
  uint64_t size_ = 0;
  uint64_t allocated_ = 0;
  void* mapped_ = nullptr;
  std::string name_;
  mutable uint64_t last_use_ = 0;
};

}  // namespace nf::gpu
