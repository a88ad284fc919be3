#pragma once
// JSON configuration with strict key checking (tiny-cuda-nn style "type" objects).
//
// A ConfigReader wraps one JSON object and remembers which keys were read. finish() throws if the object
// holds a key nobody asked for, naming the key, where it was found and the keys that are accepted, so a
// typo in a config never silently falls back to a default.
#include <nlohmann/json.hpp>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

#include "core/error.hpp"

namespace nf {

using json = nlohmann::json;

// A value as JSON text for messages: never throws (bytes that are not UTF-8 are replaced).
std::string to_text(const json& value);

class ConfigReader {
 public:
  // where: how to name this object in errors, e.g. "config rbf.json: encoding".
  ConfigReader(json value, std::string where);

  const std::string& where() const { return where_; }
  const json& value() const { return value_; }
  bool has(const std::string& key) const;

  // Reads key, or returns fallback when absent. Throws if present with the wrong type.
  template <class T>
  T get(const std::string& key, const T& fallback) {
    if (!value_.contains(key)) {
      known_.insert(key);
      return fallback;
    }
    return required<T>(key);
  }

  // Reads key; throws naming the key when absent or of the wrong type. An integer type takes only whole
  // numbers in its range (no -1 for a count, no 2.5 for a step number).
  template <class T>
  T required(const std::string& key) {
    known_.insert(key);
    if (!value_.contains(key)) fail(where_, ": missing key '", key, "'");
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
      return static_cast<T>(whole_number(key, static_cast<long double>(std::numeric_limits<T>::lowest()),
                                         static_cast<long double>(std::numeric_limits<T>::max())));
    try {
      return value_.at(key).get<T>();
    } catch (const json::exception&) {
      fail(where_, ": key '", key, "' has the wrong type (", value_.at(key).type_name(), ": ",
           to_text(value_.at(key)), ")");
    }
  }

  // The sub-object at key (must be an object); an absent key gives an empty object.
  ConfigReader child(const std::string& key);

  // Throws if the object holds keys that were never read.
  void finish() const;

 private:
  // The value at key when it is a whole number in [lo, hi] (exact for 64-bit integers); else throws.
  long double whole_number(const std::string& key, long double lo, long double hi) const;

  json value_;
  std::string where_;
  std::set<std::string> known_;
};

// Parses a JSON file; errors name the file and the parse position.
json read_json_file(const std::string& path);

// Applies "path.to.key=VALUE" (a --set override) to config: VALUE is JSON (a bare word is taken as a string);
// intermediate objects are created. E.g. "schedule.steps=15000", "field.network.neurons=32", "loss.type=l2".
void apply_override(json& config, const std::string& assignment);

}  // namespace nf
