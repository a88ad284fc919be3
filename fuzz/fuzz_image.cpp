// Image files (io::read_image: size checks before decoding, stb_image, tinyexr).
#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "io/image_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nf::fuzz::write_input(data, size, ".img");
  try {
    nf::image_file_bits(path);
    nf::read_image(path);
  } catch (const nf::Error&) {
  }
  return 0;
}
