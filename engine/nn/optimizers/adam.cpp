#include "nn/optimizers/adam.hpp"

#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::nn {
namespace {

struct AdamPush {
  uint32_t count;
  uint32_t group_count;
  float beta1, beta2, eps;
  float step_scale, denom_scale, grad_scale;
  uint32_t group_end[8];
  float group_lr[8];
  uint32_t sparse_mask;  // bit g: group g skips parameters with a zero gradient
};
static_assert(sizeof(AdamPush) == 100);

constexpr uint32_t kGroupSize = 256;

}  // namespace

Adam::Adam(gpu::Context& ctx, ParameterStore& store, const AdamConfig& config)
    : store_(store),
      config_(config),
      m_(ctx, uint64_t(store.size()) * 4, "adam first moment"),
      v_(ctx, uint64_t(store.size()) * 4, "adam second moment"),
      program_(ctx, {"nn/adam", std::vector(4, gpu::BindingKind::Storage), sizeof(AdamPush), kGroupSize, {}}) {
  const auto& blocks = store.blocks();
  for (size_t i = 0; i < blocks.size(); ++i) {
    const uint32_t end = i + 1 < blocks.size() ? blocks[i + 1].offset : store.size();
    const auto& b = blocks[i].block;
    const float lr = b.trainable ? learning_rate(b.group) * b.lr_scale : 0.0f;
    const bool sparse = config_.sparse_groups.count(b.group) > 0;
    if (!ranges_.empty() && ranges_.back().lr == lr && ranges_.back().sparse == sparse) ranges_.back().end = end;
    else ranges_.push_back({end, lr, sparse});
  }
  NF_ASSERT(ranges_.size() <= kMaxRanges, "Adam supports at most ", kMaxRanges,
            " runs of parameter blocks with different learning rates; order blocks by group");
  std::vector<float> zeros(store.size(), 0.0f);
  m_.upload(std::span<const float>(zeros));
  v_.upload(std::span<const float>(zeros));
}

float Adam::learning_rate(const std::string& group) const {
  auto it = config_.group_lr.find(group);
  return it == config_.group_lr.end() ? config_.lr : it->second;
}

json Adam::config() const {
  json groups = json::object();
  for (const auto& [g, lr] : config_.group_lr) groups[g] = lr;
  json c = {{"type", "adam"}, {"lr", config_.lr},       {"beta1", config_.beta1},
            {"beta2", config_.beta2}, {"eps", config_.eps}, {"group_lr", groups}};
  if (!config_.sparse_groups.empty()) c["sparse_groups"] = config_.sparse_groups;
  return c;
}

void Adam::step(gpu::CommandList& cmd, uint32_t step, float lr_factor) {
  NF_ASSERT(step >= 1, "Adam steps count from 1");
  AdamPush push{};
  push.count = store_.size();
  push.group_count = uint32_t(ranges_.size());
  push.beta1 = config_.beta1;
  push.beta2 = config_.beta2;
  push.eps = config_.eps;
  // Bias corrections in double on the host, as PyTorch computes them in Python floats.
  push.step_scale = float(1.0 / (1.0 - std::pow(double(config_.beta1), double(step))));
  push.denom_scale = float(1.0 / std::sqrt(1.0 - std::pow(double(config_.beta2), double(step))));
  push.grad_scale = 1.0f;
  for (size_t i = 0; i < ranges_.size(); ++i) {
    push.group_end[i] = ranges_[i].end;
    push.group_lr[i] = ranges_[i].lr * lr_factor;
    if (ranges_[i].sparse) push.sparse_mask |= 1u << i;
  }
  cmd.dispatch(program_, gpu::Groups::linear(store_.size(), kGroupSize),
               {gpu::Bind::inout(store_.values()), gpu::Bind::in(store_.gradients()), gpu::Bind::inout(m_),
                gpu::Bind::inout(v_)},
               push);
  steps_done_ = step;
}

OptimizerState Adam::state() const {
  return {steps_done_, m_.download_all<float>(), v_.download_all<float>()};
}

void Adam::set_state(const OptimizerState& state) {
  NF_ASSERT(state.first_moment.size() == store_.size() && state.second_moment.size() == store_.size(),
            "optimizer state has ", state.first_moment.size(), " values, the parameters ", store_.size());
  m_.upload(std::span<const float>(state.first_moment));
  v_.upload(std::span<const float>(state.second_moment));
  steps_done_ = state.step;
}

void adam_reference(std::span<double> params, std::span<const double> grads, std::span<double> m,
                    std::span<double> v, uint64_t step, double lr, double beta1, double beta2, double eps,
                    bool sparse) {
  const double bc1 = 1.0 - std::pow(beta1, double(step));
  const double bc2 = 1.0 - std::pow(beta2, double(step));
  for (size_t i = 0; i < params.size(); ++i) {
    if (sparse && grads[i] == 0.0) continue;
    m[i] = beta1 * m[i] + (1.0 - beta1) * grads[i];
    v[i] = beta2 * v[i] + (1.0 - beta2) * grads[i] * grads[i];
    params[i] -= (lr / bc1) * m[i] / (std::sqrt(v[i]) / std::sqrt(bc2) + eps);
  }
}

}  // namespace nf::nn
