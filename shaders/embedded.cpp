#include "embedded.hpp"

#include <string>

#include "core/error.hpp"

namespace nf::shaders {

std::span<const uint32_t> find(std::string_view name) {
  for (const auto& e : all())
    if (name == e.name) return e.spirv;
  std::string names;
  for (const auto& e : all()) names += cat(names.empty() ? "" : ", ", e.name);
  fail("no embedded shader '", name, "' (embedded: ", names, ")");
}

}  // namespace nf::shaders
