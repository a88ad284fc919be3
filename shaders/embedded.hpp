#pragma once
// SPIR-V of every shader in shaders/, compiled by glslc at build time and linked into the binary
// (target nf_shaders). Names are paths below shaders/ without ".comp", plus "@variant" for variants.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace nf::shaders {

struct Entry {
  const char* name;
  std::span<const uint32_t> spirv;
};

// Every embedded shader, in build order.
std::span<const Entry> all();

// The shader called name; throws nf::Error listing the embedded names when there is none.
std::span<const uint32_t> find(std::string_view name);

}  // namespace nf::shaders
