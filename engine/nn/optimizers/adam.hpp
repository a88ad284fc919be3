#pragma once
// Adam with PyTorch's arithmetic (torch.optim.Adam, no weight decay, no amsgrad) in one dispatch.
//
// Config: {"type": "adam", "lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
//          "group_lr": {"<group>": <lr>, ...},   (groups not listed use "lr")
//          "sparse_groups": ["<group>", ...]}
// Parameters of a sparse group whose gradient is exactly 0 are left alone, moments included (tiny-cuda-nn's
// skip_zero_grad_non_matrix_params, which instant-ngp uses for hash tables: an entry no sample touched keeps its
// state); bias corrections still use the global step.
#include <map>
#include <set>

#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "nn/optimizers/optimizer.hpp"

namespace nf::nn {

struct AdamConfig {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  std::map<std::string, float> group_lr;
  std::set<std::string> sparse_groups;
};

class Adam final : public Optimizer {
 public:
  static constexpr uint32_t kMaxRanges = 8;

  Adam(gpu::Context& ctx, ParameterStore& store, const AdamConfig& config);
  json config() const override;
  void step(gpu::CommandList& cmd, uint32_t step, float lr_factor) override;
  float learning_rate(const std::string& group) const override;
  OptimizerState state() const override;
  void set_state(const OptimizerState& state) override;

 private:
  struct Range {
    uint32_t end;
    float lr;
    bool sparse;
  };
  ParameterStore& store_;
  AdamConfig config_;
  std::vector<Range> ranges_;
  gpu::Buffer m_, v_;
  gpu::Program program_;
  uint64_t steps_done_ = 0;
};

// Double-precision reference of one Adam update (same formula as the shader) for tests; sparse: parameters
// whose gradient is 0 are skipped.
void adam_reference(std::span<double> params, std::span<const double> grads, std::span<double> m,
                    std::span<double> v, uint64_t step, double lr, double beta1, double beta2, double eps,
                    bool sparse = false);

}  // namespace nf::nn
