#include "pipeline/fit_progress.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace nf::pipeline {
namespace {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// A slow first step (a driver compiling pipelines) must not set the rate: the first report says it is warming
// up, later ones measure from it. Steps here take 10 ms after a 1 s first step, so a rate measured from the
// start would be less than half the one measured from the warm-up.
TEST(ProgressMeter, RatesAndEtaStartAfterTheWarmUp) {
  std::vector<FitProgress> seen;
  FitOptions options;
  options.progress_interval_seconds = 0.05;
  options.progress = [&seen](const FitProgress& p) { seen.push_back(p); };
  const uint32_t total = 40;
  ProgressMeter meter(options, total, 256, 0);
  StepReport r;
  sleep_ms(1000);
  r.step = 1;
  ASSERT_TRUE(meter.due());
  meter.report(r);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].warming_up);
  EXPECT_EQ(seen[0].steps_per_second, 0.0);
  EXPECT_EQ(seen[0].eta_seconds, 0.0);
  for (r.step = 2; r.step <= 20; ++r.step) sleep_ms(10);
  r.step = 20;
  meter.report(r);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[1].warming_up);
  // 19 steps of >= 10 ms since the warm-up: at most 100 steps/s, and over twice the rate from the start.
  EXPECT_LE(seen[1].steps_per_second, 100.0);
  EXPECT_GT(seen[1].steps_per_second, 2.0 * 20 / seen[1].elapsed_seconds);
  EXPECT_DOUBLE_EQ(seen[1].samples_per_second, 256 * seen[1].steps_per_second);
  EXPECT_NEAR(seen[1].eta_seconds, (total - 20) / seen[1].steps_per_second, 1e-9);
}

// A run that ends before a second report still gets a rate (from its start), and no warm-up flag.
TEST(ProgressMeter, AShortRunReportsItsRateFromTheStart) {
  std::vector<FitProgress> seen;
  FitOptions options;
  options.progress = [&seen](const FitProgress& p) { seen.push_back(p); };
  ProgressMeter meter(options, 3, 1, 0);
  sleep_ms(30);
  StepReport r;
  r.step = 3;
  meter.report(r);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].warming_up);
  EXPECT_GT(seen[0].steps_per_second, 0.0);
  EXPECT_EQ(seen[0].eta_seconds, 0.0);
}

}  // namespace
}  // namespace nf::pipeline
