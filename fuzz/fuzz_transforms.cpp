// Posed-image transforms files (io::read_transforms: Blender and instant-ngp keys, matrices, intrinsics).
#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "io/transforms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nf::fuzz::write_input(data, size, ".json");
  try {
    nf::read_transforms(path);
  } catch (const nf::Error&) {
  }
  return 0;
}
