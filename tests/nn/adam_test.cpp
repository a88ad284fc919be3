#include "nn/optimizers/adam.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

TEST_F(GpuTest, AdamMatchesReferenceOverStepsAndGroups) {
  ParameterStore store(ctx(), {{"a", 100, "encoding"}, {"b", 37, "network"}, {"c", 64, "encoding"}});
  const AdamConfig cfg{1e-2f, 0.9f, 0.99f, 1e-8f, {{"network", 3e-3f}}};
  Adam adam(ctx(), store, cfg);
  Pcg32 rng(1);
  std::vector<float> values(store.size(), 0.0f);
  for (const auto& b : store.blocks())
    for (uint32_t i = 0; i < b.block.count; ++i) values[b.offset + i] = float(rng.uniform(-1, 1));
  store.upload(values);
  std::vector<double> p(values.begin(), values.end()), m(p.size(), 0.0), v(p.size(), 0.0);

  gpu::Stream stream(ctx(), 1);
  const float factors[] = {1.0f, 0.5f, 0.25f};
  for (uint32_t step = 1; step <= 3; ++step) {
    std::vector<float> grads(store.size(), 0.0f);
    for (const auto& b : store.blocks())
      for (uint32_t i = 0; i < b.block.count; ++i) grads[b.offset + i] = float(rng.uniform(-2, 2));
    store.gradients().upload(std::span<const float>(grads));
    adam.step(stream.begin(), step, factors[step - 1]);
    stream.submit();
    stream.wait();
    for (const auto& b : store.blocks()) {
      const double lr = (b.block.group == "network" ? 3e-3 : 1e-2) * factors[step - 1];
      const size_t o = b.offset, c = b.block.count;
      std::vector<double> g(grads.begin() + o, grads.begin() + o + c);
      adam_reference(std::span(p).subspan(o, c), g, std::span(m).subspan(o, c), std::span(v).subspan(o, c), step, lr,
                     0.9, 0.99, 1e-8);
    }
  }
  NF_EXPECT_REL_ERROR(store.download(), p, 1e-6);
  const auto state = adam.state();
  EXPECT_EQ(state.step, 3u);
  NF_EXPECT_REL_ERROR(state.first_moment, m, 1e-5);
  NF_EXPECT_REL_ERROR(state.second_moment, v, 1e-5);
  // Padding between blocks stays exactly zero.
  const auto after = store.download();
  EXPECT_EQ(after[100], 0.0f);
}

// A sparse group (instant-ngp's hash tables) leaves parameters with a zero gradient untouched, moments
// included; the other group updates every parameter, zero gradient or not.
TEST_F(GpuTest, AdamSparseGroupsSkipZeroGradients) {
  ParameterStore store(ctx(), {{"table", 300, "encoding"}, {"w", 40, "network"}});
  AdamConfig config;
  config.lr = 1e-2f;
  config.sparse_groups = {"encoding"};
  Adam adam(ctx(), store, config);
  Pcg32 rng(4);
  std::vector<float> values(store.size(), 0.0f);
  for (const auto& b : store.blocks())
    for (uint32_t i = 0; i < b.block.count; ++i) values[b.offset + i] = float(rng.uniform(-1, 1));
  store.upload(values);
  std::vector<double> p(values.begin(), values.end()), m(p.size(), 0.0), v(p.size(), 0.0);
  gpu::Stream stream(ctx(), 1);
  for (uint32_t step = 1; step <= 3; ++step) {
    std::vector<float> grads(store.size(), 0.0f);
    for (const auto& b : store.blocks())  // most entries untouched, as in a hash table
      for (uint32_t i = 0; i < b.block.count; ++i)
        if (rng.uniform() < 0.4) grads[b.offset + i] = float(rng.uniform(-2, 2));
    store.gradients().upload(std::span<const float>(grads));
    adam.step(stream.begin(), step, 1.0f);
    stream.submit();
    stream.wait();
    for (const auto& b : store.blocks()) {
      const size_t o = b.offset, c = b.block.count;
      std::vector<double> g(grads.begin() + o, grads.begin() + o + c);
      adam_reference(std::span(p).subspan(o, c), g, std::span(m).subspan(o, c), std::span(v).subspan(o, c), step, 1e-2,
                     0.9, 0.999, 1e-8, b.block.group == "encoding");
    }
  }
  NF_EXPECT_REL_ERROR(store.download(), p, 1e-6);
  NF_EXPECT_REL_ERROR(adam.state().first_moment, m, 1e-5);
  EXPECT_EQ(adam.config()["sparse_groups"], json::array({"encoding"}));
}

TEST_F(GpuTest, AdamStateRoundTrips) {
  ParameterStore store(ctx(), {{"a", 10, "network"}});
  Adam adam(ctx(), store, AdamConfig{});
  OptimizerState s{7, std::vector<float>(store.size(), 0.5f), std::vector<float>(store.size(), 0.25f)};
  adam.set_state(s);
  const auto back = adam.state();
  EXPECT_EQ(back.step, 7u);
  EXPECT_EQ(back.first_moment, s.first_moment);
  EXPECT_EQ(back.second_moment, s.second_moment);
}

TEST_F(GpuTest, AdamConfigRejectsUnknownGroups) {
  ParameterStore store(ctx(), {{"a", 10, "network"}});
  ConfigReader c(json{{"type", "adam"}, {"group_lr", {{"netwrok", 0.1}}}}, "optimizer");
  try {
    optimizers().create(c, ctx(), store);
    FAIL() << "typo in group name accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'netwrok'"), std::string::npos) << e.what();
  }
}

TEST(AdamReference, FirstStepMovesEachParameterByTheLearningRate) {
  // With bias correction, |update| = lr * |g| / (|g| + eps') ~ lr on the first step.
  std::vector<double> p = {1.0, -2.0}, m(2, 0.0), v(2, 0.0);
  const std::vector<double> g = {0.3, -5.0};
  adam_reference(p, g, m, v, 1, 0.01, 0.9, 0.999, 1e-8);
  EXPECT_NEAR(p[0], 0.99, 1e-7);
  EXPECT_NEAR(p[1], -1.99, 1e-7);
}

}  // namespace
}  // namespace nf::nn
