#pragma once
// Learning-rate schedules: a factor applied to every group's rate at each step. Spans are stated relative
// to the run's step budget unless given in steps, so `--steps` scales them.
//
//   {"type": "constant"}
//   {"type": "exponential", "decay": 0.1}               factor = decay^((step - 1) / total_steps)
//   {"type": "exponential", "decay": 0.1, "steps": N}   ... over N steps instead of the budget
//   {"type": "multistep", "milestones": [0.5, 0.75], "gamma": 0.1}   x gamma once step-1 reaches each
//                                                         milestone fraction of the budget
// The first update (step 1) always uses the full rate, as PyTorch's schedulers stepped after each update.
#include <memory>
#include <vector>

#include "core/config.hpp"

namespace nf::nn {

class Schedule {
 public:
  enum class Kind { Constant, Exponential, Multistep };

  static Schedule from_config(ConfigReader& cfg);
  json config() const;
  // Factor for update `step` (1-based) of a run of total_steps updates.
  double factor(uint32_t step, uint32_t total_steps) const;

 private:
  Kind kind_ = Kind::Constant;
  double decay_ = 1.0;
  uint32_t span_steps_ = 0;  // 0 = the budget
  std::vector<double> milestones_;
  double gamma_ = 0.1;
};

}  // namespace nf::nn
