#pragma once
// The example inputs shipped with nf (assets/images, assets/meshes): found beside an installed binary
// (PREFIX/share/nf/, see `./setup.sh install`) or in the source tree the binary was built from.
#include <string>

namespace nf::assets {

// Path of a bundled file, e.g. bundled_file("images/kodim01.png"). Throws nf::Error naming both places
// looked in when neither has it.
std::string bundled_file(const std::string& relative);

}  // namespace nf::assets
