#pragma once
// All trainable parameters of a field in one GPU buffer (and their gradients in another, same layout), so
// that one optimizer dispatch updates everything. Modules declare named blocks; the store places each
// block at a 256-byte aligned offset (valid for any device's descriptor offset alignment).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"

namespace nf::nn {

struct ParamBlock {
  std::string name;   // e.g. "grid", "centres"; unique within its module
  uint32_t count = 0;  // floats
  std::string group;  // optimizer parameter group (learning rate), e.g. "encoding", "network"
  float lr_scale = 1.0f;   // multiplies the group's learning rate (e.g. CAM grids: 10x the network's)
  bool trainable = true;   // false: a fixed value (e.g. Fourier frequencies), saved but never updated
};

struct PlacedBlock {
  ParamBlock block;
  uint32_t offset = 0;  // float index of the first value
};

class ParameterStore {
 public:
  static constexpr uint32_t kAlignFloats = 64;

  ParameterStore(gpu::Context& ctx, const std::vector<ParamBlock>& blocks);

  const std::vector<PlacedBlock>& blocks() const { return blocks_; }
  // Floats in the buffers, padding between blocks included (padding stays 0 with 0 gradient).
  uint32_t size() const { return size_; }
  // Trainable values (sum of the trainable blocks' counts; fixed blocks such as Fourier frequencies are
  // saved but not counted).
  uint64_t count() const;

  gpu::Buffer& values() { return values_; }
  gpu::Buffer& gradients() { return gradients_; }

  // Binding of block i of the values or the gradients.
  gpu::Bind bind_values(size_t block, gpu::Access access) { return bind(values_, block, access); }
  gpu::Bind bind_gradients(size_t block, gpu::Access access) { return bind(gradients_, block, access); }

  // Whole-store host copies (padding included).
  std::vector<float> download() const { return values_.download_all<float>(); }
  void upload(std::span<const float> all);

 private:
  gpu::Bind bind(gpu::Buffer& buffer, size_t block, gpu::Access access);

  std::vector<PlacedBlock> blocks_;
  uint32_t size_ = 0;
  gpu::Buffer values_;
  gpu::Buffer gradients_;
};

}  // namespace nf::nn
