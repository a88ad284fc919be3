#pragma once
// Reading and writing images.
//
// Reading: PNG, JPEG, BMP, TGA, GIF (first frame), PSD, HDR, PNM via stb_image; OpenEXR via tinyexr (chosen
// by content, not extension). Channels are kept as stored: 1 = gray, 2 = gray + alpha, 3 = RGB,
// 4 = RGBA. 8- and 16-bit samples are normalised to [0,1] (no sRGB decoding: images are fitted as stored);
// EXR and Radiance HDR keep their float values. EXR files must hold R G B (optionally A) or a single channel.
//
// Writing (by extension): .png (8-bit, values clamped to [0,1] and rounded), .jpg/.jpeg (8-bit, quality 95),
// .exr (32-bit float, ZIP; gray is stored as RGB). Files are written atomically (see atomic_file.hpp).
//
// Errors name the file and the problem: missing, unreadable, truncated, not an image, zero size, or larger
// than kMaxImagePixels.
#include <string>

#include "core/image.hpp"

namespace nf {

inline constexpr long long kMaxImagePixels = 1ll << 27;  // 134M pixels (e.g. 16384 x 8192)

Image read_image(const std::string& path);
void write_image(const std::string& path, const Image& image);

// Bit depth as stored in the file: 8, 16 or 32 (float).
int image_file_bits(const std::string& path);

}  // namespace nf
