#include "data/mesh.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "core/error.hpp"
#include "core/log.hpp"
#include "data/mesh_readers.hpp"

namespace nf::data {
namespace {

constexpr uint64_t kMaxMeshFileBytes = 4ull << 30;  // 4 GiB: far above any mesh within kMaxMeshTriangles

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext;
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("mesh ", path, ": is a directory");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("mesh ", path, ": cannot open file (", std::strerror(errno), ")");
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  if (size <= 0) {
    std::fclose(f);
    fail("mesh ", path, ": file is empty");
  }
  if (uint64_t(size) > kMaxMeshFileBytes) {
    std::fclose(f);
    fail("mesh ", path, ": file of ", uint64_t(size) >> 20, " MiB is too large (at most ",
         kMaxMeshFileBytes >> 20, " MiB)");
  }
  std::string bytes(size_t(size), '\0');
  const size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  if (got != bytes.size()) fail("mesh ", path, ": read error");
  return bytes;
}

// Twice the triangle's area is below this fraction of its longest edge squared: its corners are collinear
// (or repeated) to double precision, and it has no normal.
constexpr double kZeroAreaRelative = 1e-10;

bool zero_area(const Vec3& a, const Vec3& b, const Vec3& c) {
  const double longest = std::max({length_squared(b - a), length_squared(c - b), length_squared(a - c)});
  return longest == 0.0 || length(cross(b - a, c - a)) <= kZeroAreaRelative * longest;
}

struct EdgeCounts {
  uint64_t boundary = 0, nonmanifold = 0, misoriented = 0;
};

// Counts boundary (one triangle), non-manifold (three or more) and misoriented (two triangles traversing
// it the same way) edges. Vertices at the same position are treated as one, so that meshes stored with
// split vertices (per-face attributes) are not reported as open.
EdgeCounts count_edges(const Mesh& mesh) {
  struct Hash {
    size_t operator()(const Vec3& v) const {
      const std::hash<double> h;
      return h(v.x) ^ (h(v.y) * 0x9e3779b97f4a7c15ull) ^ (h(v.z) * 0xc2b2ae3d27d4eb4full);
    }
  };
  std::unordered_map<Vec3, uint32_t, Hash> ids;
  std::vector<uint32_t> weld(mesh.vertices.size());
  for (size_t i = 0; i < mesh.vertices.size(); ++i)
    weld[i] = ids.emplace(mesh.vertices[i], uint32_t(ids.size())).first->second;

  // (smaller id, larger id, forward?) for each directed edge, sorted so that equal edges are adjacent.
  std::vector<uint64_t> edges;
  edges.reserve(mesh.triangles.size() * 3);
  for (const auto& t : mesh.triangles)
    for (int k = 0; k < 3; ++k) {
      const uint64_t a = weld[t[k]], b = weld[t[(k + 1) % 3]];
      edges.push_back((std::min(a, b) << 33) | (std::max(a, b) << 1) | (a < b ? 1u : 0u));
    }
  std::sort(edges.begin(), edges.end());
  EdgeCounts counts;
  for (size_t i = 0; i < edges.size();) {
    size_t j = i;
    while (j < edges.size() && (edges[j] >> 1) == (edges[i] >> 1)) ++j;
    const size_t n = j - i;
    if (n == 1)
      ++counts.boundary;
    else if (n > 2)
      ++counts.nonmanifold;
    else if ((edges[i] & 1) == (edges[i + 1] & 1))
      ++counts.misoriented;
    i = j;
  }
  return counts;
}

}  // namespace

Vec3 area_normal(const Mesh& mesh, uint32_t t) {
  const auto& tri = mesh.triangles[t];
  const Vec3& a = mesh.vertices[tri[0]];
  return cross(mesh.vertices[tri[1]] - a, mesh.vertices[tri[2]] - a) * 0.5;
}

json to_json(const MeshTransform& t) {
  return {{"centre", {t.centre.x, t.centre.y, t.centre.z}}, {"scale", t.scale}};
}

MeshTransform mesh_transform_from_json(const json& value, const std::string& where) {
  if (!value.is_object()) fail(where, ": mesh transform must be an object, got ", value.dump());
  ConfigReader r(value, where);
  const auto centre = r.required<std::vector<double>>("centre");
  MeshTransform t;
  t.scale = r.required<double>("scale");
  r.finish();
  if (centre.size() != 3) fail(where, ": 'centre' needs 3 numbers, got ", centre.size());
  t.centre = {centre[0], centre[1], centre[2]};
  if (!is_finite(t.centre) || !(t.scale > 0.0) || !std::isfinite(t.scale))
    fail(where, ": invalid mesh transform ", value.dump());
  return t;
}

Mesh read_mesh_file(const std::string& path, uint64_t max_triangles) {
  const std::string ext = lower_extension(path);
  if (ext != ".obj" && ext != ".ply")
    fail("mesh ", path, ": unknown mesh format '", ext, "' (expected .obj or .ply)");
  const std::string bytes = read_file(path);
  return ext == ".obj" ? read_obj(path, bytes, max_triangles) : read_ply(path, bytes, max_triangles);
}

MeshTransform fit_transform(const std::vector<Vec3>& vertices, double margin, const std::string& name) {
  if (!(margin >= 0.0 && margin < 1.0)) fail("mesh ", name, ": margin ", margin, " outside [0, 1)");
  if (vertices.empty()) fail("mesh ", name, ": no vertices");
  Vec3 lo = vertices[0], hi = vertices[0];
  for (const Vec3& v : vertices) {
    lo = min(lo, v);
    hi = max(hi, v);
  }
  const double half = 0.5 * std::max({hi.x - lo.x, hi.y - lo.y, hi.z - lo.z});
  if (!(half > 0.0)) fail("mesh ", name, ": all vertices at one point");
  return {(lo + hi) * 0.5, (1.0 - margin) / half};
}

LoadedMesh prepare_mesh(Mesh mesh, const std::string& name, const MeshLoadOptions& options) {
  LoadedMesh out;
  MeshReport& report = out.report;
  report.vertices = mesh.vertices.size();
  if (mesh.vertices.empty()) fail("mesh ", name, ": no vertices");
  if (mesh.triangles.empty()) fail("mesh ", name, ": no triangles");
  if (mesh.vertices.size() > options.max_triangles || mesh.triangles.size() > options.max_triangles)
    fail("mesh ", name, ": ", mesh.vertices.size(), " vertices and ", mesh.triangles.size(),
         " triangles exceed the limit of ", options.max_triangles);
  for (size_t i = 0; i < mesh.vertices.size(); ++i)
    if (!is_finite(mesh.vertices[i]))
      fail("mesh ", name, ": vertex ", i, " has a non-finite coordinate (", mesh.vertices[i].x, ", ",
           mesh.vertices[i].y, ", ", mesh.vertices[i].z, ")");

  // Keep triangles with an area, and only the vertices they use (so that stray vertices do not enter the
  // bounding box).
  std::vector<uint32_t> remap(mesh.vertices.size(), std::numeric_limits<uint32_t>::max());
  Mesh kept;
  kept.triangles.reserve(mesh.triangles.size());
  for (size_t t = 0; t < mesh.triangles.size(); ++t) {
    const auto& tri = mesh.triangles[t];
    for (int k = 0; k < 3; ++k)
      if (tri[k] >= mesh.vertices.size())
        fail("mesh ", name, ": triangle ", t, " refers to vertex ", tri[k], " of ", mesh.vertices.size());
    if (zero_area(mesh.vertices[tri[0]], mesh.vertices[tri[1]], mesh.vertices[tri[2]])) {
      ++report.zero_area_dropped;
      continue;
    }
    std::array<uint32_t, 3> mapped{};
    for (int k = 0; k < 3; ++k) {
      uint32_t& id = remap[tri[k]];
      if (id == std::numeric_limits<uint32_t>::max()) {
        id = uint32_t(kept.vertices.size());
        kept.vertices.push_back(mesh.vertices[tri[k]]);
      }
      mapped[k] = id;
    }
    kept.triangles.push_back(mapped);
  }
  if (kept.triangles.empty())
    fail("mesh ", name, ": no triangles with a non-zero area (", report.zero_area_dropped, " degenerate)");
  if (report.zero_area_dropped)
    log_warning(cat("mesh ", name, ": dropped ", report.zero_area_dropped, " zero-area triangles"));

  out.transform = fit_transform(kept.vertices, options.margin, name);
  for (Vec3& v : kept.vertices) v = out.transform.to_normalized(v);
  out.mesh = std::move(kept);
  Mesh& m = out.mesh;
  report.triangles = m.triangles.size();

  const EdgeCounts edges = count_edges(m);
  report.boundary_edges = edges.boundary;
  report.nonmanifold_edges = edges.nonmanifold;
  report.misoriented_edges = edges.misoriented;
  if (edges.boundary)
    log_warning(cat("mesh ", name, ": open surface, ", edges.boundary,
                    " boundary edges; inside/outside come from the generalized winding number"));
  if (edges.nonmanifold) log_warning(cat("mesh ", name, ": ", edges.nonmanifold, " non-manifold edges"));
  if (edges.misoriented)
    log_warning(cat("mesh ", name, ": ", edges.misoriented,
                    " edges between inconsistently oriented triangles; signs near them may be wrong"));

  // Signed volume (divergence theorem; exact for closed meshes, a usable vote for open ones).
  double volume = 0.0;
  for (uint32_t t = 0; t < m.triangles.size(); ++t) {
    report.area += length(area_normal(m, t));
    const auto& tri = m.triangles[t];
    volume += dot(m.vertices[tri[0]], cross(m.vertices[tri[1]], m.vertices[tri[2]])) / 6.0;
  }
  if (volume < 0.0) {
    for (auto& tri : m.triangles) std::swap(tri[1], tri[2]);
    report.flipped = true;
    log_warning(cat("mesh ", name, ": triangles face inward (negative volume); reversed them"));
  }
  return out;
}

LoadedMesh load_mesh(const std::string& path, const MeshLoadOptions& options) {
  return prepare_mesh(read_mesh_file(path, options.max_triangles), path, options);
}

}  // namespace nf::data
