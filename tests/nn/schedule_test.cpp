#include "nn/optimizers/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace nf::nn {
namespace {

Schedule make(const json& j) {
  ConfigReader c(j, "schedule");
  return Schedule::from_config(c);
}

TEST(Schedule, ExponentialOverTheBudgetOrFixedSteps) {
  const auto s = make({{"type", "exponential"}, {"decay", 0.1}});
  EXPECT_DOUBLE_EQ(s.factor(1, 1000), 1.0);
  EXPECT_NEAR(s.factor(1001, 1000), 0.1, 1e-12);
  EXPECT_NEAR(s.factor(501, 1000), std::sqrt(0.1), 1e-12);
  // GNF's recipe: StepLR(gamma = 0.1^(1/15000)) stepped after every update.
  const auto fixed = make({{"type", "exponential"}, {"decay", 0.1}, {"steps", 15000}});
  EXPECT_NEAR(fixed.factor(2001, 2000), std::pow(0.1, 2000.0 / 15000.0), 1e-12);
}

TEST(Schedule, MultistepAtFractionsOfTheBudget) {
  const auto s = make({{"type", "multistep"}, {"milestones", {0.5, 0.75}}, {"gamma", 0.1}});
  EXPECT_DOUBLE_EQ(s.factor(1000, 2000), 1.0);
  EXPECT_NEAR(s.factor(1001, 2000), 0.1, 1e-12);
  EXPECT_NEAR(s.factor(1501, 2000), 0.01, 1e-12);
}

TEST(Schedule, BadConfigsAreRejected) {
  EXPECT_THROW(make({{"type", "cosine"}}), Error);
  EXPECT_THROW(make({{"type", "exponential"}}), Error);
  EXPECT_THROW(make({{"type", "multistep"}, {"milestones", {1.5}}}), Error);
  EXPECT_THROW(make({{"type", "constant"}, {"decay", 0.1}}), Error);
  EXPECT_EQ(make({{"type", "constant"}}).config(), json({{"type", "constant"}}));
}

}  // namespace
}  // namespace nf::nn
