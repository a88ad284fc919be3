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
      } catch (const json::parse_error& e) {
        fail("built-in config '", c.name, "': invalid JSON: ", e.what());
      }
    }
  std::string known;
  for (const auto& n : config_names()) known += (known.empty() ? "" : ", ") + n;
  fail("no config named '", name_or_path, "' (built in: ", known, "; or give a path to a .json file)");
}

void apply_override(json& config, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) fail("override '", assignment, "': expected path.to.key=VALUE");
  const std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::parse_error&) {
    value = text;
  }
  json* node = &config;
  size_t start = 0;
  for (;;) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) fail("override '", assignment, "': empty key in '", path, "'");
    if (!node->is_object()) fail("override '", assignment, "': '", key, "' is inside a value that is not an object");
    if (dot == std::string::npos) {
      (*node)[key] = value;
      return;
    }
    node = &(*node)[key];
    if (node->is_null()) *node = json::object();
    start = dot + 1;
  }
}

}  // namespace nf::pipeline
