#include "io/image_io.hpp"

#include <stb_image.h>
#include <stb_image_write.h>
#include <tinyexr.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace nf {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext;
}

void check_readable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("image ", path, ": cannot open file (", std::strerror(errno), ")");
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fclose(f);
  if (std::filesystem::is_directory(path)) fail("image ", path, ": is a directory");
  if (size <= 0) fail("image ", path, ": file is empty");
}

void check_size(const std::string& path, long long w, long long h) {
  if (w <= 0 || h <= 0) fail("image ", path, ": zero-size image (", w, "x", h, ")");
  if (w * h > kMaxImagePixels)
    fail("image ", path, ": ", w, "x", h, " is too large (at most ", kMaxImagePixels, " pixels)");
}

// Freed in any case: a header that failed to parse may hold what tinyexr allocated before it failed.
struct ExrHeader {
  EXRVersion version{};
  EXRHeader header{};
  ExrHeader() { InitEXRHeader(&header); }
  ~ExrHeader() { FreeEXRHeader(&header); }
};

std::string exr_error(const char* err) {
  std::string s = err ? err : "unknown error";
  if (err) FreeEXRErrorMessage(err);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Walks the first header's attributes and checks the ones that Debian's tinyexr 1.0.1 reads at a fixed size
// before it parses them: on some malformed headers it asserts (aborting the process) or reads past an
// attribute (found by fuzzing, fuzz/README.md).
void check_exr_attributes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string b(1 << 20, '\0');
  in.read(b.data(), std::streamsize(b.size()));
  b.resize(size_t(in.gcount()));
  const auto bad = [&](const std::string& what) { fail("image ", path, ": invalid OpenEXR header (", what, ")"); };
  const auto text = [&](size_t& pos) {
    const size_t end = b.find('\0', pos);
    if (end == std::string::npos || end - pos > 255) bad("an attribute name or type is not terminated");
    std::string s = b.substr(pos, end - pos);
    pos = end + 1;
    return s;
  };
  const std::pair<const char*, int32_t> fixed[] = {{"tiles", 9},        {"compression", 1},        {"dataWindow", 16},
                                                   {"displayWindow", 16}, {"lineOrder", 1},         {"pixelAspectRatio", 4},
                                                   {"screenWindowCenter", 8}, {"screenWindowWidth", 4}};
  size_t pos = 8;
  for (;;) {
    if (pos >= b.size()) bad("the header has no end");
    if (b[pos] == '\0') return;
    const std::string name = text(pos), type = text(pos);
    if (pos + 4 > b.size()) bad("attribute '" + name + "' is cut short");
    int32_t size = 0;
    std::memcpy(&size, &b[pos], 4);
    pos += 4;
    if (size < 0 || uint64_t(size) > b.size() - pos) bad("attribute '" + name + "' runs past the end of the header");
    for (const auto& [n, bytes] : fixed)
      if (name == n && size != bytes) bad("attribute '" + name + "' has " + std::to_string(size) + " bytes, not " + std::to_string(bytes));
    if (name == "type") {  // tinyexr asserts on any other value, or one that disagrees with the tiled flag
      const std::string value = b.substr(pos, strnlen(&b[pos], size_t(size)));
      const bool tiled = (uint8_t(b[5]) & 0x02) != 0;
      if (value != "scanlineimage" && value != "tiledimage") bad("image type '" + value + "' is not supported");
      if ((value == "tiledimage") != tiled) bad("image type '" + value + "' disagrees with the version's tiled flag");
    }
    if (name == "channels") {  // chlist: per channel a name, then 16 bytes; a final NUL
      size_t c = pos;
      const size_t end = pos + size_t(size);
      while (c < end && b[c] != '\0') {
        const size_t z = b.find('\0', c);
        if (z == std::string::npos || z + 1 + 16 > end) bad("the channel list runs past its attribute");
        c = z + 1 + 16;
      }
      if (c >= end) bad("the channel list is not terminated");
    }
    pos += size_t(size);
  }
}

Image read_exr(const std::string& path) {
  check_exr_attributes(path);
  ExrHeader h;
  if (ParseEXRVersionFromFile(&h.version, path.c_str()) != TINYEXR_SUCCESS)
    fail("image ", path, ": invalid OpenEXR version header");
  if (h.version.multipart || h.version.non_image) fail("image ", path, ": multi-part and deep EXR files are not supported");
  const char* err = nullptr;
  if (ParseEXRHeaderFromFile(&h.header, &h.version, path.c_str(), &err) != TINYEXR_SUCCESS)
    fail("image ", path, ": invalid OpenEXR header (", exr_error(err), ")");
  bool has[4] = {false, false, false, false};  // R G B A
  for (int c = 0; c < h.header.num_channels; ++c) {
    const std::string name = h.header.channels[c].name;
    if (name == "R") has[0] = true;
    else if (name == "G") has[1] = true;
    else if (name == "B") has[2] = true;
    else if (name == "A") has[3] = true;
  }
  int channels = 0;
  if (has[0] && has[1] && has[2]) channels = has[3] ? 4 : 3;
  else if (h.header.num_channels == 1) channels = 1;
  else fail("image ", path, ": EXR channels are neither R,G,B(,A) nor a single gray channel");

  // The size, from the header, before anything is decoded: a small file must not make us allocate much.
  const auto& dw = h.header.data_window;
  check_size(path, (long long)dw.max_x - dw.min_x + 1, (long long)dw.max_y - dw.min_y + 1);
  float* rgba = nullptr;
  int w = 0, hgt = 0;
  if (LoadEXR(&rgba, &w, &hgt, path.c_str(), &err) != TINYEXR_SUCCESS)
    fail("image ", path, ": cannot decode OpenEXR data (", exr_error(err), ")");
  std::unique_ptr<float, decltype(&std::free)> owned(rgba, &std::free);
  check_size(path, w, hgt);
  Image img(w, hgt, channels);
  for (size_t p = 0; p < img.pixel_count(); ++p)
    for (int c = 0; c < channels; ++c) img.pixels[p * channels + c] = rgba[p * 4 + c];
  for (float v : img.pixels)
    if (!std::isfinite(v)) fail("image ", path, ": contains NaN or infinite values");
  return img;
}

}  // namespace

int image_file_bits(const std::string& path) {
  check_readable(path);
  if (IsEXR(path.c_str()) == TINYEXR_SUCCESS) return 32;
  if (stbi_is_hdr(path.c_str())) return 32;
  return stbi_is_16_bit(path.c_str()) ? 16 : 8;
}

Image read_image(const std::string& path) {
  check_readable(path);
  if (IsEXR(path.c_str()) == TINYEXR_SUCCESS) return read_exr(path);

  int w = 0, h = 0, channels = 0;
  if (!stbi_info(path.c_str(), &w, &h, &channels)) {
    const char* reason = stbi_failure_reason();
    fail("image ", path, ": not a readable image (", reason ? reason : "unknown format", ")");
  }
  check_size(path, w, h);
  // Decoded first, then copied: the image is allocated only for data that decoded.
  const auto decoded = [&](auto* data, float divisor) {
    std::unique_ptr<std::remove_pointer_t<decltype(data)>, decltype(&stbi_image_free)> owned(data, &stbi_image_free);
    if (!data) fail("image ", path, ": cannot decode (", stbi_failure_reason(), ")");
    Image img(w, h, channels);
    for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = float(data[i]) / divisor;
    return img;
  };
  if (stbi_is_hdr(path.c_str())) return decoded(stbi_loadf(path.c_str(), &w, &h, &channels, 0), 1.0f);
  if (stbi_is_16_bit(path.c_str())) return decoded(stbi_load_16(path.c_str(), &w, &h, &channels, 0), 65535.0f);
  return decoded(stbi_load(path.c_str(), &w, &h, &channels, 0), 255.0f);
}

void write_image(const std::string& path, const Image& image) {
  NF_ASSERT(image.width > 0 && image.height > 0 && image.channels >= 1 && image.channels <= 4,
            "write_image needs a non-empty image with 1 to 4 channels");
  const std::string ext = lower_extension(path);
  if (ext == ".exr") {
    // SaveEXR takes 3 or 4 components (its 1-component files name the channel "A", which viewers show as
    // alpha): gray is written as RGB, gray + alpha as RGBA.
    const int out_c = image.channels <= 2 ? image.channels + 2 : image.channels;
    std::vector<float> data(image.pixel_count() * out_c);
    for (size_t p = 0; p < image.pixel_count(); ++p) {
      if (image.channels <= 2) {
        const float g = image.pixels[p * image.channels];
        data[p * out_c + 0] = data[p * out_c + 1] = data[p * out_c + 2] = g;
        if (image.channels == 2) data[p * 4 + 3] = image.pixels[p * 2 + 1];
      } else {
        for (int c = 0; c < out_c; ++c) data[p * out_c + c] = image.pixels[p * out_c + c];
      }
    }
    write_atomically(path, [&](const std::string& tmp) {
      const char* err = nullptr;
      if (SaveEXR(data.data(), image.width, image.height, out_c, 0, tmp.c_str(), &err) != TINYEXR_SUCCESS)
        fail(path, ": cannot write EXR (", exr_error(err), ")");
    });
    return;
  }
  if (ext != ".png" && ext != ".jpg" && ext != ".jpeg")
    fail(path, ": unsupported output format '", ext, "' (use .png, .jpg or .exr)");
  std::vector<unsigned char> bytes(image.pixels.size());
  for (size_t i = 0; i < bytes.size(); ++i)
  {
    const float v = image.pixels[i];
    const float clamped = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;  // NaN -> 0
    bytes[i] = static_cast<unsigned char>(std::lround(clamped * 255.0f));
  }
  // Encoded in memory, then written with every write checked (stb's own file writer ignores short writes).
  std::string encoded;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
  };
  const int ok = ext == ".png" ? stbi_write_png_to_func(append, &encoded, image.width, image.height, image.channels,
                                                        bytes.data(), image.width * image.channels)
                               : stbi_write_jpg_to_func(append, &encoded, image.width, image.height, image.channels,
                                                        bytes.data(), 95);
  if (!ok) fail(path, ": cannot encode the image");
  write_file_atomically(path, encoded);
}

}  // namespace nf
