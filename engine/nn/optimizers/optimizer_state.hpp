#pragma once
// Optimizer state as plain data, for snapshots: the step count and one or two moment vectors laid out
// like the parameter store.
#include <cstdint>
#include <vector>

namespace nf::nn {

struct OptimizerState {
  uint64_t step = 0;
  std::vector<float> first_moment;
  std::vector<float> second_moment;
};

}  // namespace nf::nn
