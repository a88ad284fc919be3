#pragma once
// Transforms files: the camera descriptions of posed-image datasets, in NeRF's Blender format and in
// instant-ngp's format for real captures (a superset). Parsing only: data/posed_images.hpp turns a file into
// cameras and images.
//
// Keys read (others, e.g. colmap's or instant-ngp's training options, are ignored):
//   top level and, overriding it, each frame: "fl_x", "fl_y" (pixels), "cx", "cy" (pixels), "w", "h",
//     "camera_angle_x", "camera_angle_y" (full fields of view, radians), "k1", "k2", "k3", "p1", "p2" (OpenCV
//     radial-tangential distortion), "camera_model" ("OPENCV", "SIMPLE_PINHOLE", "PINHOLE", "SIMPLE_RADIAL",
//     "RADIAL"; fisheye models are refused);
//   top level only: "aabb_scale" (a power of two, 1 to 128), "scale", "offset" (a number or 3 numbers);
//   "frames": [{"file_path": ..., "transform_matrix": 4x4 camera-to-world, OpenGL convention}, ...].
// Errors name the file (and the frame: its index and file_path) and the problem: no frames, a matrix that is
// not 4x4 or not rigid (rotation orthonormal within 1e-3, determinant +1, last row 0 0 0 1), a value of the
// wrong type or out of range.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/vec3.hpp"

namespace nf {

// OpenCV's radial-tangential model on normalised image coordinates (x, y) = ((u - cx) / fx, (v - cy) / fy).
struct LensDistortion {
  double k1 = 0, k2 = 0, k3 = 0, p1 = 0, p2 = 0;
  bool any() const { return k1 != 0 || k2 != 0 || k3 != 0 || p1 != 0 || p2 != 0; }
  friend bool operator==(const LensDistortion&, const LensDistortion&) = default;
};

// Intrinsics as a file states them; a frame's values override the file's.
struct TransformsIntrinsics {
  std::optional<double> fl_x, fl_y, cx, cy, camera_angle_x, camera_angle_y;
  std::optional<int> w, h;
  std::optional<double> k1, k2, k3, p1, p2;

  // Values of `frame` where it has them, else this one's.
  TransformsIntrinsics overridden_by(const TransformsIntrinsics& frame) const;
  LensDistortion distortion() const;
};

struct TransformsFrame {
  std::string file_path;                // as written in the file
  std::array<double, 16> matrix{};      // camera-to-world, row-major 4x4
  TransformsIntrinsics intrinsics;      // the file's, overridden by the frame's
  std::string where;                    // "file F: frame I (file_path)" for errors
};

struct TransformsFile {
  std::string path;
  double aabb_scale = 1;   // instant-ngp: the scene box is this many unit cubes wide
  double scale = 0.33;     // world -> scene: p * scale + offset (instant-ngp's defaults)
  Vec3 offset{0.5, 0.5, 0.5};
  std::vector<TransformsFrame> frames;
};

// Reads and checks a transforms file (see above). Throws nf::Error naming the file and frame.
TransformsFile read_transforms(const std::string& path);

}  // namespace nf
