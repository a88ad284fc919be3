#include "core/log.hpp"

#include <cstdio>
#include <mutex>

namespace nf {
namespace {

LogLevel g_min_level = LogLevel::Warning;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "?";
}

void default_callback(const LogMessage& m) {
  if (m.level < g_min_level) return;
  std::fprintf(stderr, "nf: %s [%.*s]: %.*s\n", level_name(m.level), static_cast<int>(m.channel.size()),
               m.channel.data(), static_cast<int>(m.text.size()), m.text.data());
}

LogCallback& callback() {
  static LogCallback cb = default_callback;
  return cb;
}

std::recursive_mutex& log_mutex() {
  static std::recursive_mutex m;
  return m;
}

}  // namespace

ValidationGate::ValidationGate() {
  // The callback runs under the log mutex: previous_ is fully set before any message reaches it.
  std::lock_guard lock(log_mutex());
  previous_ = set_log_callback([this](const LogMessage& m) {
    if (m.channel == "validation") ++messages_;
    previous_(m);
  });
}

ValidationGate::~ValidationGate() { set_log_callback(std::move(previous_)); }

int ValidationGate::exit_code(int rc, const char* program) const {
  if (messages_ == 0) return rc;
  std::fprintf(stderr, "%s: error: %zu Vulkan validation message(s) (see above)\n", program, size_t(messages_));
  return rc == 0 ? kExitCode : rc;
}

LogCallback set_log_callback(LogCallback cb) {
  std::lock_guard lock(log_mutex());
  LogCallback previous = std::move(callback());
  callback() = cb ? std::move(cb) : LogCallback(default_callback);
  return previous;
}

void set_log_level(LogLevel level) { g_min_level = level; }

void log(LogLevel level, std::string_view channel, std::string_view text) {
  std::lock_guard lock(log_mutex());
  callback()(LogMessage{level, channel, text});
}

}  // namespace nf
