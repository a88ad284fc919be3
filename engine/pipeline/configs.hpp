#pragma once
// Experiment configs: a name from assets/configs (embedded in the binary) or a path to a .json file.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace nf::pipeline {

struct NamedConfig {
  std::string name;  // "rbf", or the file path
  json value;
};

// name_or_path: a named config ("rbf") or a file ("my.json"). Errors list the known names.
NamedConfig load_config(const std::string& name_or_path);
std::vector<std::string> config_names();

// --set overrides: core/config.hpp.
using nf::apply_override;

}  // namespace nf::pipeline
