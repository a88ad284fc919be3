#include "fields/module_set.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace nf::fields {

ModuleSet::ModuleSet(gpu::Context& ctx, std::vector<nn::Module*> modules, uint32_t max_batch, uint32_t widest,
                     const std::string& where)
    : modules_(std::move(modules)) {
  std::vector<nn::ParamBlock> blocks;
  std::vector<size_t> first;
  for (nn::Module* m : modules_) {
    first.push_back(blocks.size());
    for (auto& b : m->parameter_blocks()) blocks.push_back(b);
  }
  store_ = std::make_unique<nn::ParameterStore>(ctx, blocks);
  const uint64_t range = ctx.info().max_storage_buffer_range;
  uint64_t capacity = (uint64_t(max_batch) + 63) / 64 * 64;
  for (nn::Module* m : modules_) capacity = std::min<uint64_t>(capacity, m->max_capacity(range));
  capacity = std::min<uint64_t>(capacity, range / (uint64_t(widest) * 4) / 64 * 64);
  if (capacity < 64) fail(where, ": a batch of 64 samples does not fit this device's buffers");
  max_batch_ = uint32_t(std::min<uint64_t>(capacity, max_batch));
  capacity_ = uint32_t(capacity);
  for (size_t i = 0; i < modules_.size(); ++i) {
    modules_[i]->bind(*store_, first[i]);
    modules_[i]->reserve(ctx, capacity_);
  }
}

nn::SampleCost ModuleSet::training_cost() const {
  nn::SampleCost c;
  for (const nn::Module* m : modules_) {
    const auto mc = m->training_cost();
    c.flops += mc.flops;
    c.bytes += mc.bytes;
  }
  return c;
}

void ModuleSet::initialize(uint64_t seed) {
  Pcg32 rng(seed);
  std::vector<float> values(store_->size(), 0.0f);
  const auto& blocks = store_->blocks();
  size_t b = 0;
  for (nn::Module* m : modules_) {
    std::vector<std::span<float>> spans;
    for (size_t k = 0; k < m->parameter_blocks().size(); ++k, ++b)
      spans.emplace_back(values.data() + blocks[b].offset, blocks[b].block.count);
    m->initialize(spans, rng);
  }
  store_->upload(values);
}

}  // namespace nf::fields
