#pragma once
// Test helper: writes a 16-bit PNG (stb_image_write only writes 8-bit) with uncompressed deflate blocks.
#include <cstdint>
#include <string>
#include <vector>

namespace nf::test {

// samples: width * height * channels values, row-major; channels 1..4. Empty samples write the header
// alone (a file whose header claims a size its data does not have).
void write_png16(const std::string& path, int width, int height, int channels, const std::vector<uint16_t>& samples);

}  // namespace nf::test
