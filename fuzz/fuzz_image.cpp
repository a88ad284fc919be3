// Image files (io::read_image: size checks before decoding, stb_image, tinyexr).
#include "fuzz_input.hpp"
#include "io/image_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nf::fuzz::parse_file(data, size, ".img", [](const std::string& p) {
    nf::image_file_bits(p);
    nf::read_image(p);
  });
}
