#pragma once
// What makes an `nf fit` run survive: --snapshot-every K (snapshots written atomically during the fit),
// SIGINT / SIGTERM (the step in flight finishes, the outputs and a snapshot are written, and the command
// says how to resume), and --resume DIR (the run continues from DIR/snapshot.nf with the arguments it was
// started with, kept in DIR/run.json).
#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "fit_args.hpp"
#include "io/snapshot.hpp"
#include "output.hpp"
#include "pipeline/fit_progress.hpp"

namespace nf::cli {

// Thrown once an interrupted run has written its outputs: main() exits with `code` (128 + the signal).
struct Interrupted {
  int code;
};

// One fit's run control, for the lifetime of the fit: installs the SIGINT / SIGTERM handlers (a second
// signal ends the process at once) and restores the previous ones on destruction.
class FitRun {
 public:
  // With args.resume set, reads DIR/run.json and DIR/snapshot.nf (the arguments then come from run.json,
  // except the ones that do not change the result: --max-seconds, --snapshot-every, --quiet, the device).
  explicit FitRun(FitArgs& args);
  ~FitRun();
  FitRun(const FitRun&) = delete;
  FitRun& operator=(const FitRun&) = delete;

  // The snapshot to continue from (--resume), or none.
  const Snapshot* resume() const { return resume_ ? &*resume_ : nullptr; }
  // Whether a signal stopped the fit (the final snapshot then keeps the optimizer state, to resume).
  bool stopped() const;
  // Writes DIR/run.json (the arguments of a new run; kept as they are when resuming).
  void start(const OutputDir& out) const;
  // Sets options' checkpoints (snapshots with the optimizer state, every args.snapshot_every steps) and stop.
  void configure(pipeline::FitOptions& options, const OutputDir& out, std::function<Snapshot()> snapshot) const;
  // After the outputs are written: when a signal stopped the fit, says where it stopped and how to go on,
  // and throws Interrupted.
  void finish(uint32_t step, uint32_t total) const;

 private:
  const FitArgs& args_;
  std::optional<Snapshot> resume_;
};

}  // namespace nf::cli
