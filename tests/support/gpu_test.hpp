#pragma once
// GPU test support: one Vulkan context per test process, created with the Khronos validation layer and
// synchronization validation. Every validation message fails the running test; messages at context
// destruction (e.g. leaked objects) fail the process in the global tear-down.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "gpu/context.hpp"

namespace nf::test {

// The shared context; created on first use with validation on.
gpu::Context& context();
// A second shared context, without float atomics: kernels take their compare-and-swap variants (the path of
// devices that lack VK_EXT_shader_atomic_float), validation on.
gpu::Context& portable_atomics_context();

// Validation messages logged since the process started.
const std::vector<std::string>& validation_messages();

// Runs fn and returns the validation messages it caused, without failing the test (for tests of the
// validation plumbing itself).
std::vector<std::string> capture_validation_messages(const std::function<void()>& fn);

class GpuTest : public ::testing::Test {
 protected:
  gpu::Context& ctx() { return context(); }
  void SetUp() override;
  void TearDown() override;

 private:
  size_t messages_before_ = 0;
};

}  // namespace nf::test
