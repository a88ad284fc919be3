#include "gpu/profiler.hpp"

namespace nf::gpu {

Profiler::Profiler(Context& ctx, uint32_t capacity) : pool_(ctx, capacity) {}

int Profiler::next(const std::string& label) {
  if (labels_.size() >= pool_.capacity()) return -1;
  labels_.push_back(label);
  return int(labels_.size() - 1);
}

std::map<std::string, double> Profiler::results() const {
  std::map<std::string, double> out;
  for (size_t i = 1; i < labels_.size(); ++i) out[labels_[i]] += pool_.elapsed_ms(uint32_t(i - 1), uint32_t(i));
  return out;
}

}  // namespace nf::gpu
