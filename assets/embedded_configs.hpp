#pragma once
// The named configs of assets/configs/, embedded at build time (see assets/CMakeLists.txt).
#include <span>

namespace nf::assets {

struct NamedText {
  const char* name;  // file name without .json
  const char* text;
};

std::span<const NamedText> configs();

}  // namespace nf::assets
