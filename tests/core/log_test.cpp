// ValidationGate: what makes `nf` and `nf-viewer` fail a run in which Vulkan validation spoke.
#include "core/log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nf {
namespace {

TEST(ValidationGate, CountsValidationMessagesAndPassesEveryMessageOn) {
  std::vector<std::string> seen;
  set_log_callback([&](const LogMessage& m) { seen.emplace_back(m.channel); });
  {
    ValidationGate gate;
    log(LogLevel::Warning, "nf", "a warning");
    EXPECT_EQ(gate.messages(), 0u);
    EXPECT_EQ(gate.exit_code(0, "test"), 0);
    EXPECT_EQ(gate.exit_code(1, "test"), 1);
    log(LogLevel::Error, "validation", "VUID-something");
    log(LogLevel::Warning, "validation", "SYNC-HAZARD-WRITE-AFTER-READ");
    EXPECT_EQ(gate.messages(), 2u);
    EXPECT_EQ(gate.exit_code(0, "test"), ValidationGate::kExitCode);
    EXPECT_EQ(gate.exit_code(1, "test"), 1) << "a run's own failure keeps its code";
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"nf", "validation", "validation"}));
  // The gate is gone: the callback before it is back.
  log(LogLevel::Warning, "validation", "after");
  EXPECT_EQ(seen.size(), 4u);
  set_log_callback(nullptr);
}

}  // namespace
}  // namespace nf
