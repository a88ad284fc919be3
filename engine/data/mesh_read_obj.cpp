// Wavefront OBJ through tinyobjloader, after a scan of our own: tinyobjloader silently reads an unparsable
// coordinate ("nan", "1e999", "abc") as 0 and only warns about out-of-range face indices (and may read out
// of bounds while triangulating them), so both are checked here first, with the line number.
#include <tiny_obj_loader.h>

#include <charconv>
#include <cmath>
#include <string_view>

#include "core/error.hpp"
#include "data/mesh_readers.hpp"

namespace nf::data {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Splits a line into whitespace-separated tokens.
std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Checks every "v" coordinate is a finite number and every "f" vertex index refers to a vertex defined
// before it (OBJ indices are 1-based; negative ones count back from the last vertex). Enforces the limits.
void scan(const std::string& path, std::string_view text, uint64_t max_triangles) {
  uint64_t vertices = 0, triangles = 0, line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const auto t = tokens(line);
    if (t.empty()) continue;
    if (t[0] == "v") {
      if (t.size() < 4) fail("mesh ", path, ": line ", line_number, ": vertex with fewer than 3 coordinates");
      for (int k = 1; k <= 3; ++k) {
        double value = 0.0;
        const auto [ptr, ec] = std::from_chars(t[k].data(), t[k].data() + t[k].size(), value);
        if (ec != std::errc() || ptr != t[k].data() + t[k].size() || !std::isfinite(value))
          fail("mesh ", path, ": line ", line_number, ": vertex coordinate '", t[k],
               "' is not a finite number");
      }
      if (++vertices > max_triangles)
        fail("mesh ", path, ": more than ", max_triangles, " vertices (the limit; see MeshLoadOptions)");
    } else if (t[0] == "f") {
      if (t.size() < 4) fail("mesh ", path, ": line ", line_number, ": face with fewer than 3 vertices");
      for (size_t k = 1; k < t.size(); ++k) {
        long long index = 0;
        const auto [ptr, ec] = std::from_chars(t[k].data(), t[k].data() + t[k].size(), index);
        if (ec != std::errc() || (ptr != t[k].data() + t[k].size() && *ptr != '/'))
          fail("mesh ", path, ": line ", line_number, ": malformed face vertex '", t[k], "'");
        if (index == 0 || index > (long long)vertices || -index > (long long)vertices)
          fail("mesh ", path, ": line ", line_number, ": face index ", index, " out of range (", vertices,
               " vertices defined before it)");
      }
      triangles += t.size() - 3;
      if (triangles > max_triangles)
        fail("mesh ", path, ": more than ", max_triangles, " triangles (the limit; see MeshLoadOptions)");
    }
  }
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line.empty() ? "parse error" : line;
}

}  // namespace

Mesh read_obj(const std::string& path, const std::string& text, uint64_t max_triangles) {
  scan(path, text, max_triangles);
  tinyobj::ObjReaderConfig config;
  config.triangulate = true;
  config.vertex_color = false;
  tinyobj::ObjReader reader;
  // Materials are irrelevant to geometry: an empty material text means no .mtl file is looked up.
  if (!reader.ParseFromString(text, "", config)) fail("mesh ", path, ": ", first_line(reader.Error()));

  Mesh mesh;
  const auto& v = reader.GetAttrib().vertices;
  mesh.vertices.resize(v.size() / 3);
  for (size_t i = 0; i < mesh.vertices.size(); ++i) mesh.vertices[i] = {v[3 * i], v[3 * i + 1], v[3 * i + 2]};
  for (const auto& shape : reader.GetShapes()) {
    size_t offset = 0;
    for (const auto n : shape.mesh.num_face_vertices) {
      if (n == 3) {
        std::array<uint32_t, 3> tri{};
        for (int k = 0; k < 3; ++k) {
          const int index = shape.mesh.indices[offset + k].vertex_index;
          if (index < 0 || size_t(index) >= mesh.vertices.size())
            fail("mesh ", path, ": face index ", index + 1, " out of range (", mesh.vertices.size(),
                 " vertices)");
          tri[k] = uint32_t(index);
        }
        mesh.triangles.push_back(tri);
      }
      offset += n;
    }
  }
  return mesh;
}

}  // namespace nf::data
