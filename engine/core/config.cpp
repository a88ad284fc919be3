#include "core/config.hpp"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace nf {

std::string to_text(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

ConfigReader::ConfigReader(json value, std::string where) : value_(std::move(value)), where_(std::move(where)) {
  if (!value_.is_object()) fail(where_, ": expected a JSON object, got ", value_.type_name());
}

bool ConfigReader::has(const std::string& key) const { return value_.contains(key); }

ConfigReader ConfigReader::child(const std::string& key) {
  known_.insert(key);
  if (!value_.contains(key)) return ConfigReader(json::object(), where_ + ": " + key);
  return ConfigReader(value_.at(key), where_ + ": " + key);
}

long double ConfigReader::whole_number(const std::string& key, long double lo, long double hi) const {
  const json& v = value_.at(key);
  long double x = 0;
  bool whole = true;
  if (v.is_number_unsigned()) {
    x = static_cast<long double>(v.get<uint64_t>());
  } else if (v.is_number_integer()) {
    x = static_cast<long double>(v.get<int64_t>());
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    whole = std::isfinite(d) && std::floor(d) == d;
    x = d;
  } else {
    fail(where_, ": key '", key, "' has the wrong type (", v.type_name(), ": ", to_text(v), "); expected an integer");
  }
  if (!whole || x < lo || x > hi)
    fail(where_, ": key '", key, "' must be a whole number from ", std::to_string(static_cast<int64_t>(lo)),
         " to ", std::to_string(static_cast<uint64_t>(hi)), ", not ", to_text(v));
  return x;
}

void ConfigReader::finish() const {
  for (const auto& [key, _] : value_.items()) {
    if (known_.count(key)) continue;
    std::string accepted;
    for (const auto& k : known_) accepted += (accepted.empty() ? "" : ", ") + k;
    fail(where_, ": unknown key '", key, "' (accepted: ", accepted.empty() ? "none" : accepted, ")");
  }
}

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, ": cannot open file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception& e) {  // parse errors, and numbers out of range (1e999)
    fail(path, ": invalid JSON: ", e.what());
  }
}

void apply_override(json& config, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) fail("override '", assignment, "': expected path.to.key=VALUE");
  try {
    (void)json(assignment).dump();
  } catch (const json::type_error&) {
    fail("override '", to_text(assignment), "': not valid UTF-8");
  }
  const std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception&) {
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

}  // namespace nf
