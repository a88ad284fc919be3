#include "png16.hpp"

#include <fstream>

#include "io/snapshot.hpp"  // crc32

namespace nf::test {
namespace {

void be32(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(char((v >> (8 * i)) & 0xFF));
}

void chunk(std::string& out, const char* type, const std::string& data) {
  be32(out, uint32_t(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  be32(out, crc32(body.data(), body.size()));
}

}  // namespace

void write_png16(const std::string& path, int w, int h, int c, const std::vector<uint16_t>& samples) {
  static const uint8_t color_type[] = {0, 0, 4, 2, 6};
  std::string raw;
  for (int y = 0; y < h && !samples.empty(); ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < w * c; ++x) {
      const uint16_t v = samples[size_t(y) * w * c + x];
      raw.push_back(char(v >> 8));
      raw.push_back(char(v & 0xFF));
    }
  }
  std::string z = "\x78\x01";  // zlib header, no compression
  for (size_t pos = 0; pos < raw.size();) {
    const size_t n = std::min<size_t>(65535, raw.size() - pos);
    z.push_back(pos + n == raw.size() ? 1 : 0);
    z.push_back(char(n & 0xFF));
    z.push_back(char(n >> 8));
    z.push_back(char(~n & 0xFF));
    z.push_back(char((~n >> 8) & 0xFF));
    z.append(raw, pos, n);
    pos += n;
  }
  uint32_t a = 1, b = 0;
  for (unsigned char ch : raw) {
    a = (a + ch) % 65521;
    b = (b + a) % 65521;
  }
  be32(z, (b << 16) | a);

  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  be32(ihdr, uint32_t(w));
  be32(ihdr, uint32_t(h));
  ihdr += char(16);
  ihdr += char(color_type[c]);
  ihdr += std::string(3, '\0');
  chunk(out, "IHDR", ihdr);
  chunk(out, "IDAT", z);
  chunk(out, "IEND", "");
  std::ofstream(path, std::ios::binary) << out;
}

}  // namespace nf::test
