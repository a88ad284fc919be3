// Posed-image transforms files (io::read_transforms: Blender and instant-ngp keys, matrices, intrinsics).
#include "fuzz_input.hpp"
#include "io/transforms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nf::fuzz::parse_file(data, size, ".json", [](const std::string& p) { nf::read_transforms(p); });
}
