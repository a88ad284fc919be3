#include "pipeline/fit_progress.hpp"

#include <cmath>

#include "core/error.hpp"

namespace nf::pipeline {
namespace {

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

ProgressMeter::ProgressMeter(const FitOptions& options, uint32_t total_steps, uint32_t batch_size, uint32_t first_step)
    : options_(options), total_(total_steps), batch_(batch_size), first_(first_step), start_(Clock::now()),
      last_(start_) {}

bool ProgressMeter::due() const {
  return options_.progress && seconds_between(last_, Clock::now()) >= options_.progress_interval_seconds;
}

bool ProgressMeter::should_stop() const {
  return (options_.max_seconds > 0 && train_seconds() >= options_.max_seconds) ||
         (options_.stop && options_.stop->load());
}

void ProgressMeter::check_finite(const StepReport& r) const {
  if (std::isfinite(r.loss)) return;
  fail("step ", r.step, ": the training loss is not finite (", r.loss, "): training diverged; ",
       last_checkpoint_ ? cat("the last good ", options_.checkpoint_name, " is from step ", *last_checkpoint_)
                        : std::string("no checkpoint was written"),
       " (a lower learning rate may help)");
}

void ProgressMeter::after_step(uint32_t step, const std::function<StepReport()>& read) {
  if (!options_.checkpoint || options_.checkpoint_every == 0 || step % options_.checkpoint_every != 0) return;
  check_finite(read());
  const auto t0 = Clock::now();
  options_.checkpoint(step);
  exclude(seconds_between(t0, Clock::now()));
  last_checkpoint_ = step;
}

double ProgressMeter::train_seconds() const { return seconds_between(start_, Clock::now()) - excluded_; }

void ProgressMeter::report(const StepReport& r, std::optional<double> eval_psnr) {
  check_finite(r);
  last_ = Clock::now();
  if (!options_.progress) return;
  FitProgress p;
  p.step = r.step;
  p.total = total_;
  p.loss = r.loss;
  p.batch_psnr = r.batch_psnr;
  p.elapsed_seconds = seconds_between(start_, last_);
  const double train = train_seconds();
  if (!warm_ && r.step > first_ && r.step < total_) warm_.emplace(r.step, train);
  // Steps since the warm-up, or (a run that ends before its second report) since the start.
  const auto [from_step, from_seconds] = warm_ && r.step > warm_->first ? *warm_ : std::pair{first_, 0.0};
  p.warming_up = warm_ && r.step == warm_->first;
  p.steps_per_second = !p.warming_up && train > from_seconds ? (r.step - from_step) / (train - from_seconds) : 0;
  p.samples_per_second = p.steps_per_second * batch_;
  p.eta_seconds = p.steps_per_second > 0 ? (total_ - r.step) / p.steps_per_second : 0;
  p.eval_psnr = eval_psnr;
  options_.progress(p);
}

}  // namespace nf::pipeline
