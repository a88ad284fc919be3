// JSON configs and --set overrides: a config file (core::read_json_file), then each line after the first
// applied as an override (core::apply_override), then integer keys read as ConfigReader reads them.
#include <sstream>

#include "core/config.hpp"
#include "core/error.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  const std::string head = text.substr(0, newline);
  const std::string path = nf::fuzz::write_input(reinterpret_cast<const uint8_t*>(head.data()), head.size(), ".json");
  try {
    nf::json config = nf::read_json_file(path);
    if (newline != std::string::npos) {
      std::istringstream lines(text.substr(newline + 1));
      for (std::string line; std::getline(lines, line);) nf::apply_override(config, line);
    }
    if (config.is_object()) {
      nf::ConfigReader r(config, "fuzz");
      for (const auto& [key, _] : config.items()) {
        try {
          r.get<uint32_t>(key, 0);
        } catch (const nf::Error&) {
        }
        try {
          r.get<int64_t>(key, 0);
        } catch (const nf::Error&) {
        }
      }
    }
  } catch (const nf::Error&) {
  }
  return 0;
}
