#pragma once
// Registry of component factories keyed by the config's "type" string.
//
// Each abstraction (encoding, network, loss, optimizer, field) owns one Registry and one table of its
// built-in types (registry line per type); create() reads "type" and hands the rest of the object to the
// factory. Unknown types fail with the list of known ones.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/config.hpp"

namespace nf {

template <class Base, class... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Base>(ConfigReader&, Args...)>;

  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  Registry& add(const std::string& type, Factory factory) {
    factories_[type] = std::move(factory);
    return *this;
  }

  // Builds the component described by cfg (which must hold "type"); checks that every key was used.
  std::unique_ptr<Base> create(ConfigReader& cfg, Args... args) const {
    const auto type = cfg.required<std::string>("type");
    auto it = factories_.find(type);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& [name, _] : factories_) known += (known.empty() ? "" : ", ") + name;
      fail(cfg.where(), ": unknown ", kind_, " type '", type, "' (known: ", known, ")");
    }
    auto made = it->second(cfg, std::forward<Args>(args)...);
    cfg.finish();
    return made;
  }

 private:
  std::string kind_;
  std::map<std::string, Factory> factories_;
};

}  // namespace nf
