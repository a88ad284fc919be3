#include "support/gpu_test.hpp"

#include <memory>
#include <mutex>

#include "core/log.hpp"

namespace nf::test {
namespace {

std::vector<std::string>& messages() {
  static std::vector<std::string> m;
  return m;
}

bool& capturing() {
  static bool c = false;
  return c;
}

std::vector<std::string>& captured() {
  static std::vector<std::string> c;
  return c;
}

std::unique_ptr<gpu::Context>& context_slot() {
  static std::unique_ptr<gpu::Context> c;
  return c;
}

std::unique_ptr<gpu::Context>& portable_slot() {
  static std::unique_ptr<gpu::Context> c;
  return c;
}

void install_log_callback() {
  static std::once_flag once;
  std::call_once(once, [] {
    set_log_callback([](const LogMessage& m) {
      if (m.channel == "validation" && capturing()) {
        captured().emplace_back(m.text);
      } else if (m.channel == "validation") {
        messages().emplace_back(m.text);
        ADD_FAILURE() << "Vulkan validation: " << m.text;
      } else if (m.level >= LogLevel::Warning) {
        std::fprintf(stderr, "nf: %.*s\n", int(m.text.size()), m.text.data());
      }
    });
  });
}

class ValidationEnvironment : public ::testing::Environment {
 public:
  // Before any test: every context of the process, the shared one or a test's own, reports through the hook.
  void SetUp() override { install_log_callback(); }
  void TearDown() override {
    portable_slot().reset();
    context_slot().reset();  // validation reports leaked objects here
    EXPECT_TRUE(messages().empty()) << messages().size() << " Vulkan validation message(s); first: "
                                    << (messages().empty() ? "" : messages().front());
  }
};

[[maybe_unused]] const auto* g_environment = ::testing::AddGlobalTestEnvironment(new ValidationEnvironment);


// The context in slot, created on first use with validation on (and float atomics off if asked).
gpu::Context& shared_context(std::unique_ptr<gpu::Context>& slot, bool disable_float_atomics) {
  install_log_callback();
  if (!slot) {
    gpu::ContextOptions options;
    options.validation = true;
    options.disable_float_atomics = disable_float_atomics;
    slot = std::make_unique<gpu::Context>(options);
  }
  return *slot;
}

}  // namespace

gpu::Context& context() { return shared_context(context_slot(), false); }

gpu::Context& portable_atomics_context() { return shared_context(portable_slot(), true); }

const std::vector<std::string>& validation_messages() { return messages(); }

std::vector<std::string> capture_validation_messages(const std::function<void()>& fn) {
  context();
  captured().clear();
  capturing() = true;
  try {
    fn();
  } catch (...) {
    capturing() = false;
    throw;
  }
  capturing() = false;
  return std::move(captured());
}

void GpuTest::SetUp() {
  context();
  messages_before_ = messages().size();
}

void GpuTest::TearDown() {
  EXPECT_EQ(messages().size(), messages_before_) << "Vulkan validation reported problems during this test";
}

}  // namespace nf::test
