// Pixel -> field coordinate, shared by training (data/sample_pixels) and rendering (render/pixel_coords).
// Pixel (px, py) of a width x height image (py = 0 is the top row, as stored in files) maps to [-1,1]^2:
//   centers: ((2 px + 1) / width - 1, (2 py + 1) / height - 1)     (DESIGN.md convention)
//   corners: (2 px / (width - 1) - 1, 2 py / (height - 1) - 1)      (the official GNF code's linspace)
#ifndef NF_PIXEL_GLSL
#define NF_PIXEL_GLSL

vec2 nf_pixel_coord(uint px, uint py, uint width, uint height, bool corners) {
  if (corners)
    return vec2(width > 1u ? 2.0 * float(px) / float(width - 1u) - 1.0 : 0.0,
                height > 1u ? 2.0 * float(py) / float(height - 1u) - 1.0 : 0.0);
  return vec2((2.0 * float(px) + 1.0) / float(width) - 1.0, (2.0 * float(py) + 1.0) / float(height) - 1.0);
}

#endif
