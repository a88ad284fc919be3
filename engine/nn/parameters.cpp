#include "nn/parameters.hpp"

#include "core/error.hpp"

namespace nf::nn {

ParameterStore::ParameterStore(gpu::Context& ctx, const std::vector<ParamBlock>& blocks) {
  uint64_t offset = 0;
  for (const auto& b : blocks) {
    NF_ASSERT(b.count > 0, "parameter block '", b.name, "' is empty");
    blocks_.push_back({b, uint32_t(offset)});
    offset += (uint64_t(b.count) + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
  }
  NF_ASSERT(offset < (1ull << 31), "too many parameters (", offset, ")");
  size_ = uint32_t(offset);
  values_ = gpu::Buffer(ctx, uint64_t(size_) * sizeof(float), "parameters");
  gradients_ = gpu::Buffer(ctx, uint64_t(size_) * sizeof(float), "gradients");
  std::vector<float> zeros(size_, 0.0f);
  values_.upload(std::span<const float>(zeros));
  gradients_.upload(std::span<const float>(zeros));
}

uint64_t ParameterStore::count() const {
  uint64_t n = 0;
  for (const auto& b : blocks_)
    if (b.block.trainable) n += b.block.count;
  return n;
}

void ParameterStore::upload(std::span<const float> all) {
  NF_ASSERT(all.size() == size_, "parameter upload of ", all.size(), " floats, store holds ", size_);
  values_.upload(all);
}

gpu::Bind ParameterStore::bind(gpu::Buffer& buffer, size_t block, gpu::Access access) {
  NF_ASSERT(block < blocks_.size(), "parameter block index ", block, " out of range");
  const auto& b = blocks_[block];
  // Rounded up to whole vec4s (the padding after each block makes this safe) for uniform-buffer views.
  return {&buffer, access, uint64_t(b.offset) * sizeof(float), uint64_t((b.block.count + 3) / 4 * 4) * sizeof(float)};
}

}  // namespace nf::nn
