#pragma once
// Logging: every message in nf (progress, warnings, Vulkan validation output) goes through one callback.
// The default callback prints warnings and errors to stderr; apps and tests install their own.
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

}  // namespace nf
