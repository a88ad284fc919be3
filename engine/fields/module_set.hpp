#pragma once
// The modules of one field (an encoding, networks, a modulation) with all their parameters in one
// ParameterStore, so that one optimizer updates them, and their scratch sized for one batch capacity.
#include <string>
#include <vector>

#include "gpu/context.hpp"
#include "nn/module.hpp"
#include "nn/parameters.hpp"

namespace nf::fields {

class ModuleSet {
 public:
  // Places the modules' parameter blocks (in this order) in one store, binds the modules to it and reserves
  // their scratch. The capacity is max_batch rounded up to 64, or less where a module's scratch or a batch of
  // `widest` rows would exceed the device's storage-buffer range; `where` names the field in errors.
  ModuleSet(gpu::Context& ctx, std::vector<nn::Module*> modules, uint32_t max_batch, uint32_t widest,
            const std::string& where);

  nn::ParameterStore& store() { return *store_; }
  const nn::ParameterStore& store() const { return *store_; }
  // Samples per call: max_batch, or less where the device's buffers are smaller.
  uint32_t max_batch() const { return max_batch_; }
  // The modules' scratch capacity (a multiple of 64, >= max_batch()).
  uint32_t capacity() const { return capacity_; }
  // Every module's work per training sample, summed.
  nn::SampleCost training_cost() const;
  // Fresh random parameters for a seed (host-side: the same on every device), module after module.
  void initialize(uint64_t seed);

 private:
  std::vector<nn::Module*> modules_;
  std::unique_ptr<nn::ParameterStore> store_;
  uint32_t max_batch_ = 0, capacity_ = 0;
};

}  // namespace nf::fields
