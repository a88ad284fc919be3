#include "pipeline/configs.hpp"

#include <filesystem>

#include "assets/embedded_configs.hpp"
#include "core/error.hpp"

namespace nf::pipeline {

std::vector<std::string> config_names() {
  std::vector<std::string> names;
  for (const auto& c : assets::configs()) names.emplace_back(c.name);
  return names;
}

NamedConfig load_config(const std::string& name_or_path) {
  const bool looks_like_file = name_or_path.find('/') != std::string::npos ||
                               name_or_path.find('.') != std::string::npos ||
                               std::filesystem::exists(name_or_path);
  if (looks_like_file) return {name_or_path, read_json_file(name_or_path)};
  for (const auto& c : assets::configs())
    if (name_or_path == c.name) {
      try {
        return {c.name, json::parse(c.text)};
      } catch (const json::exception& e) {
        fail("built-in config '", c.name, "': invalid JSON: ", e.what());
      }
    }
  std::string known;
  for (const auto& n : config_names()) known += (known.empty() ? "" : ", ") + n;
  fail("no config named '", name_or_path, "' (built in: ", known, "; or give a path to a .json file)");
}

}  // namespace nf::pipeline
