#pragma once
// What training loops report while they run (`nf fit`, `nf bench`), and the meter that times them.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "pipeline/image_experiment.hpp"

namespace nf::pipeline {

struct FitProgress {
  uint32_t step = 0, total = 0;
  double loss = 0, batch_psnr = 0;
  // Rates and the ETA are measured after the warm-up (see ProgressMeter); 0 while it lasts (warming_up).
  double steps_per_second = 0, samples_per_second = 0;
  double elapsed_seconds = 0, eta_seconds = 0;
  bool warming_up = false;
  std::optional<double> eval_psnr;  // set on evaluation steps
};

struct FitOptions {
  uint32_t eval_every = 0;  // full-image PSNR every K steps (and at the end); 0 = only at the end
  double max_seconds = 0;   // > 0: stop once training (evaluations excluded) has taken this long
  double progress_interval_seconds = 1.0;
  std::function<void(const FitProgress&)> progress;  // called about every interval and on evaluations
  // Every checkpoint_every steps (0: never), once the step's loss is checked finite, checkpoint(step) runs
  // (nf fit --snapshot-every writes a snapshot); checkpoint_name says what it writes, for errors.
  uint32_t checkpoint_every = 0;
  std::function<void(uint32_t step)> checkpoint;
  std::string checkpoint_name = "checkpoint";
  // When set and true, the loop ends after the step in flight (nf fit's SIGINT / SIGTERM handler).
  const std::atomic<bool>* stop = nullptr;
};

// Times one training loop from construction. train_seconds() counts training time only (time passed to
// exclude(), e.g. evaluations, is left out). Rates and the ETA leave out the warm-up too: the first steps
// pay for pipelines that drivers compile on first use (minutes of LLVM on lavapipe when its disk cache is
// cold), so they are measured from the first report on, which comes after at least one step and one
// interval. The first report says it is warming up.
class ProgressMeter {
 public:
  ProgressMeter(const FitOptions& options, uint32_t total_steps, uint32_t batch_size, uint32_t first_step);

  // Whether a periodic report is due (a callback is set and the interval has passed since the last report).
  bool due() const;
  // Whether the loop ends before its next step: the time budget is spent or a stop was requested.
  bool should_stop() const;
  // After each step: runs a due checkpoint; read() waits for the step's report. Throws on a non-finite loss.
  void after_step(uint32_t step, const std::function<StepReport()>& read);
  // Sends r (and an evaluation's PSNR) to the callback, if any. Throws when r's loss is not finite, naming
  // the step and the last checkpoint: training has diverged and nothing after it is worth keeping.
  void report(const StepReport& r, std::optional<double> eval_psnr = std::nullopt);
  void exclude(double seconds) { excluded_ += seconds; }
  double train_seconds() const;

 private:
  using Clock = std::chrono::steady_clock;
  const FitOptions& options_;
  uint32_t total_, batch_, first_;
  Clock::time_point start_, last_;
  double excluded_ = 0;
  std::optional<uint32_t> last_checkpoint_;
  void check_finite(const StepReport& r) const;
  // Where the rates start: the first report's step and training time.
  std::optional<std::pair<uint32_t, double>> warm_;
};

}  // namespace nf::pipeline
