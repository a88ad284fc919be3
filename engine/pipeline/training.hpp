#pragma once
// The optimisation half of an experiment config, shared by every task: "loss" (with a "type"),
// "optimizer" (with a "type") and "schedule", created for a field's parameters and a batch of
// `outputs`-channel predictions.
#include <memory>
#include <string>

#include "core/config.hpp"
#include "nn/losses/loss.hpp"
#include "nn/optimizers/optimizer.hpp"
#include "nn/optimizers/schedule.hpp"
#include "nn/parameters.hpp"

namespace nf::pipeline {

struct Training {
  std::unique_ptr<nn::Loss> loss;
  std::unique_ptr<nn::Optimizer> optimizer;
  nn::Schedule schedule;

  // Reads the three keys from c (where names the config in errors).
  static Training from_config(ConfigReader& c, gpu::Context& ctx, nn::ParameterStore& parameters, uint32_t outputs,
                              uint32_t batch, const std::string& where);
  // Adds the resolved "loss", "optimizer" and "schedule" to an experiment's config.
  void describe(json& config) const;
};

}  // namespace nf::pipeline
