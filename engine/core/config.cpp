#include "core/config.hpp"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace nf {

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
    fail(where_, ": key '", key, "' has the wrong type (", v.type_name(), ": ", v.dump(), "); expected an integer");
  }
  if (!whole || x < lo || x > hi)
    fail(where_, ": key '", key, "' must be a whole number from ", std::to_string(static_cast<int64_t>(lo)),
         " to ", std::to_string(static_cast<uint64_t>(hi)), ", not ", v.dump());
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
  } catch (const json::parse_error& e) {
    fail(path, ": invalid JSON: ", e.what());
  }
}

}  // namespace nf
