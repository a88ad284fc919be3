#pragma once
// Shared by the mesh / SDF tests: generated meshes with known inside and outside, a temporary directory
// for small bad-input files, and a log capture to check warnings.
#include <filesystem>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "data/mesh.hpp"

namespace nf::test {

// Axis-aligned cube [-half, half]^3, 12 triangles, outward-oriented.
data::Mesh make_cube(double half);

// Sphere of `radius` around the origin: an icosahedron subdivided `levels` times, vertices on the sphere,
// outward-oriented (20 * 4^levels triangles).
data::Mesh make_icosphere(double radius, int levels);

// OBJ text of a mesh (1-based indices).
std::string to_obj(const data::Mesh& mesh);

// A fresh directory under the system temp dir, removed with its contents at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes bytes to `name` inside the directory and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const;
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// Collects warnings logged while it lives (and lets the default callback see nothing).
class WarningCapture {
 public:
  WarningCapture();
  ~WarningCapture();
  const std::vector<std::string>& warnings() const { return warnings_; }
  // True when some warning contains `text`.
  bool has(const std::string& text) const;

 private:
  std::vector<std::string> warnings_;
  LogCallback previous_;
};

}  // namespace nf::test
