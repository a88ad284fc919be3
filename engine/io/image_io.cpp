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
#include <memory>
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

struct ExrHeader {
  EXRVersion version{};
  EXRHeader header{};
  bool parsed = false;
  ~ExrHeader() {
    if (parsed) FreeEXRHeader(&header);
  }
};

std::string exr_error(const char* err) {
  std::string s = err ? err : "unknown error";
  if (err) FreeEXRErrorMessage(err);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Image read_exr(const std::string& path) {
  ExrHeader h;
  if (ParseEXRVersionFromFile(&h.version, path.c_str()) != TINYEXR_SUCCESS)
    fail("image ", path, ": invalid OpenEXR version header");
  if (h.version.multipart || h.version.non_image) fail("image ", path, ": multi-part and deep EXR files are not supported");
  InitEXRHeader(&h.header);
  const char* err = nullptr;
  if (ParseEXRHeaderFromFile(&h.header, &h.version, path.c_str(), &err) != TINYEXR_SUCCESS)
    fail("image ", path, ": invalid OpenEXR header (", exr_error(err), ")");
  h.parsed = true;
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
  Image img(w, h, channels);
  const size_t n = img.pixels.size();
  if (stbi_is_hdr(path.c_str())) {
    std::unique_ptr<float, decltype(&stbi_image_free)> data(stbi_loadf(path.c_str(), &w, &h, &channels, 0),
                                                            &stbi_image_free);
    if (!data) fail("image ", path, ": cannot decode (", stbi_failure_reason(), ")");
    std::copy(data.get(), data.get() + n, img.pixels.begin());
  } else if (stbi_is_16_bit(path.c_str())) {
    std::unique_ptr<stbi_us, decltype(&stbi_image_free)> data(stbi_load_16(path.c_str(), &w, &h, &channels, 0),
                                                              &stbi_image_free);
    if (!data) fail("image ", path, ": cannot decode (", stbi_failure_reason(), ")");
    for (size_t i = 0; i < n; ++i) img.pixels[i] = float(data.get()[i]) / 65535.0f;
  } else {
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> data(stbi_load(path.c_str(), &w, &h, &channels, 0),
                                                              &stbi_image_free);
    if (!data) fail("image ", path, ": cannot decode (", stbi_failure_reason(), ")");
    for (size_t i = 0; i < n; ++i) img.pixels[i] = float(data.get()[i]) / 255.0f;
  }
  return img;
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
