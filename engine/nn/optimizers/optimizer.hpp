#pragma once
// Optimizers update every parameter of a ParameterStore from its gradients, with a learning rate per
// parameter group (ParamBlock::group) times the block's lr_scale; blocks that are not trainable keep their
// values.
#include <memory>

#include "core/config.hpp"
#include "core/registry.hpp"
#include "gpu/commands.hpp"
#include "nn/optimizers/optimizer_state.hpp"
#include "nn/parameters.hpp"

namespace nf::nn {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual json config() const = 0;
  // Records one update. step counts from 1; lr_factor (from the schedule) multiplies every group's rate.
  virtual void step(gpu::CommandList& cmd, uint32_t step, float lr_factor) = 0;
  // Learning rate of a parameter group before the schedule.
  virtual float learning_rate(const std::string& group) const = 0;
  virtual OptimizerState state() const = 0;
  virtual void set_state(const OptimizerState& state) = 0;
};

using OptimizerRegistry = Registry<Optimizer, gpu::Context&, ParameterStore&>;
// Built-in optimizers ("adam").
const OptimizerRegistry& optimizers();

}  // namespace nf::nn
