#pragma once
// Per-dispatch GPU timing: attached to a CommandList, it writes a timestamp after every dispatch and
// transfer, so that each command's GPU time can be read after the list completed. For benchmarks and
// `nf bench`; tests and training run without it.
#include <map>
#include <string>
#include <vector>

#include "gpu/timestamps.hpp"

namespace nf::gpu {

class Profiler {
 public:
  Profiler(Context& ctx, uint32_t capacity = 256);

  // Called by CommandList: reserve the next query for `label`; returns its index, or -1 when full.
  int next(const std::string& label);
  TimestampPool& pool() { return pool_; }
  // Restarts recording (call before recording the list to profile; the list resets the queries).
  void clear() { labels_.clear(); }

  // Milliseconds per label (summed over repeats) of the last completed list; waits for results.
  std::map<std::string, double> results() const;

 private:
  TimestampPool pool_;
  std::vector<std::string> labels_;  // labels_[0] is the start mark
};

}  // namespace nf::gpu
