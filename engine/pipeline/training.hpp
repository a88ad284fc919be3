#pragma once
// The optimisation half of an experiment config, shared by every task: "loss" (with a "type"),
// "optimizer" (with a "type") and "schedule", created for a field's parameters and a batch of
// `outputs`-channel predictions.
#include <functional>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "fields/field.hpp"
#include "io/snapshot.hpp"
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
  // Reads "optimizer" and "schedule" only (tasks whose loss is their own, e.g. radiance fields' ray loss).
  static Training without_loss(ConfigReader& c, gpu::Context& ctx, nn::ParameterStore& parameters,
                               const std::string& where);
  // Adds the resolved "loss" (when it has one), "optimizer" and "schedule" to an experiment's config.
  void describe(json& config) const;

  // Records one step's data term, the same for every task: the parameter gradients zeroed, then for each
  // chunk [first, first + n) of the batch: draw(cmd, n, first) writes the chunk's inputs into x and targets
  // into target -> field forward into y -> loss into d_y -> field backward. The optimizer step is the
  // caller's (terms may be added first).
  using DrawChunk = std::function<void(gpu::CommandList& cmd, uint32_t n, uint32_t first)>;
  void record_data_term(gpu::CommandList& cmd, fields::Field& field, uint32_t batch, uint32_t chunk,
                        const DrawChunk& draw, const nn::BatchView& x, const nn::BatchView& target,
                        const nn::BatchView& y, const nn::BatchView& d_y) const;

  // Restores a snapshot's parameters (into parameters, which its config built) and optimizer state, and
  // returns its step; a parameter count that does not match fails naming path.
  uint32_t restore(const Snapshot& snapshot, nn::ParameterStore& parameters, const std::string& path) const;
};

}  // namespace nf::pipeline
