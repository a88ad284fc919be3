#pragma once
// Logging: every message in nf (progress, warnings, Vulkan validation output) goes through one callback.
// The default callback prints warnings and errors to stderr; apps and tests install their own.
#include <atomic>
#include <cstddef>
#include <functional>
#include <string_view>

namespace nf {

enum class LogLevel { Debug, Info, Warning, Error };

// channel says where a message comes from: "nf" for the engine, "validation" for Vulkan validation layers.
struct LogMessage {
  LogLevel level;
  std::string_view channel;
  std::string_view text;
};

using LogCallback = std::function<void(const LogMessage&)>;

// Replaces the callback (nullptr restores the default) and returns the previous one. Not thread-safe with
// concurrent log() calls: install callbacks at start-up.
LogCallback set_log_callback(LogCallback callback);

// Minimum level the default callback prints (Warning by default).
void set_log_level(LogLevel level);

void log(LogLevel level, std::string_view channel, std::string_view text);
inline void log_info(std::string_view text) { log(LogLevel::Info, "nf", text); }
inline void log_warning(std::string_view text) { log(LogLevel::Warning, "nf", text); }

// For a program's main(): while alive, counts the messages of channel "validation" and passes every message
// on to the callback installed before it. exit_code() makes any validation message fail the run:
//   ValidationGate gate;  int rc = run();  return gate.exit_code(rc, "nf");
class ValidationGate {
 public:
  ValidationGate();
  ~ValidationGate();
  ValidationGate(const ValidationGate&) = delete;
  ValidationGate& operator=(const ValidationGate&) = delete;

  size_t messages() const { return messages_; }
  // rc when no validation message was logged; else prints "<program>: error: N Vulkan validation message(s)"
  // to stderr and returns rc, or kExitCode when rc was 0.
  int exit_code(int rc, const char* program) const;
  static constexpr int kExitCode = 4;

 private:
  LogCallback previous_;
  std::atomic<size_t> messages_{0};
};

}  // namespace nf
