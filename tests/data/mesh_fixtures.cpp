#include "mesh_fixtures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

namespace nf::test {

data::Mesh make_cube(double h) {
  data::Mesh m;
  for (int i = 0; i < 8; ++i) m.vertices.push_back({i & 1 ? h : -h, i & 2 ? h : -h, i & 4 ? h : -h});
  // Two triangles per face, counter-clockwise seen from outside.
  m.triangles = {{0, 2, 3}, {0, 3, 1}, {4, 5, 7}, {4, 7, 6}, {0, 1, 5}, {0, 5, 4},
                 {2, 6, 7}, {2, 7, 3}, {0, 4, 6}, {0, 6, 2}, {1, 3, 7}, {1, 7, 5}};
  return m;
}

data::Mesh make_icosphere(double radius, int levels) {
  const double t = (1.0 + std::sqrt(5.0)) / 2.0;
  data::Mesh m;
  m.vertices = {{-1, t, 0},  {1, t, 0},  {-1, -t, 0}, {1, -t, 0}, {0, -1, t},  {0, 1, t},
                {0, -1, -t}, {0, 1, -t}, {t, 0, -1},  {t, 0, 1},  {-t, 0, -1}, {-t, 0, 1}};
  m.triangles = {{0, 11, 5},  {0, 5, 1},  {0, 1, 7},  {0, 7, 10}, {0, 10, 11}, {1, 5, 9}, {5, 11, 4},
                 {11, 10, 2}, {10, 7, 6}, {7, 1, 8},  {3, 9, 4},  {3, 4, 2},   {3, 2, 6}, {3, 6, 8},
                 {3, 8, 9},   {4, 9, 5},  {2, 4, 11}, {6, 2, 10}, {8, 6, 7},   {9, 8, 1}};
  for (int level = 0; level < levels; ++level) {
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> midpoints;
    auto mid = [&](uint32_t a, uint32_t b) {
      const auto key = std::minmax(a, b);
      const auto it = midpoints.find(key);
      if (it != midpoints.end()) return it->second;
      m.vertices.push_back((m.vertices[a] + m.vertices[b]) * 0.5);
      return midpoints[key] = uint32_t(m.vertices.size() - 1);
    };
    std::vector<std::array<uint32_t, 3>> next;
    for (const auto& f : m.triangles) {
      const uint32_t ab = mid(f[0], f[1]), bc = mid(f[1], f[2]), ca = mid(f[2], f[0]);
      next.push_back({f[0], ab, ca});
      next.push_back({f[1], bc, ab});
      next.push_back({f[2], ca, bc});
      next.push_back({ab, bc, ca});
    }
    m.triangles = std::move(next);
  }
  for (auto& v : m.vertices) v = v * (radius / length(v));
  double volume = 0.0;  // make the orientation outward whatever the table above uses
  for (const auto& f : m.triangles)
    volume += dot(m.vertices[f[0]], cross(m.vertices[f[1]], m.vertices[f[2]]));
  if (volume < 0.0)
    for (auto& f : m.triangles) std::swap(f[1], f[2]);
  return m;
}

std::string to_obj(const data::Mesh& mesh) {
  std::ostringstream s;
  s.precision(17);
  for (const auto& v : mesh.vertices) s << "v " << v.x << " " << v.y << " " << v.z << "\n";
  for (const auto& t : mesh.triangles) s << "f " << t[0] + 1 << " " << t[1] + 1 << " " << t[2] + 1 << "\n";
  return s.str();
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = std::filesystem::temp_directory_path() /
         ("nf_mesh_" + std::string(info ? info->name() : "test") + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& bytes) const {
  const auto p = dir_ / name;
  std::ofstream f(p, std::ios::binary);
  f.write(bytes.data(), std::streamsize(bytes.size()));
  return p.string();
}

WarningCapture::WarningCapture() {
  previous_ = set_log_callback([this](const LogMessage& m) {
    if (m.level == LogLevel::Warning) warnings_.emplace_back(m.text);
  });
}

WarningCapture::~WarningCapture() {
  set_log_callback(previous_);
}

bool WarningCapture::has(const std::string& text) const {
  for (const auto& w : warnings_)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace nf::test
