#pragma once
// Submission with a ring of command lists: while the GPU runs one, the host records the next.
//
//   CommandList& cmd = stream.begin();   // waits until this slot's previous work finished
//   ... record ...
//   stream.submit();                     // one vkQueueSubmit
//   stream.wait();                       // only when results must be read on the host
#include <cstdint>
#include <memory>
#include <vector>

#include "gpu/commands.hpp"
#include "gpu/vk.hpp"

namespace nf::gpu {

class Context;

class Stream {
 public:
  explicit Stream(Context& ctx, uint32_t slots = 2);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  CommandList& begin();
  void submit();
  // Waits for everything submitted so far.
  void wait();
  uint64_t submits() const { return submits_; }
  // The slot begin() records into (until submit()): the work it held before has finished, so per-slot
  // read-back buffers written by that work can be read.
  uint32_t slot() const { return next_; }
  // Statistics of the most recently submitted command list.
  const CommandStats& last_stats() const { return last_stats_; }

 private:
  struct Slot {
    std::unique_ptr<CommandList> commands;
    FenceHandle fence;
    bool in_flight = false;
  };
  void wait_slot(Slot& slot);

  Context& ctx_;
  std::vector<Slot> slots_;
  uint32_t next_ = 0;
  bool recording_ = false;
  uint64_t submits_ = 0;
  CommandStats last_stats_;
};

}  // namespace nf::gpu
