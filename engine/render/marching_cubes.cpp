#include "render/marching_cubes.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "io/atomic_file.hpp"
#include "render/mc_table.hpp"

namespace nf::render {

Vec3 GridSpec::point(uint32_t i, uint32_t j, uint32_t k) const {
  const double s = (hi - lo) / double(resolution - 1);
  return {lo + s * i, lo + s * j, lo + s * k};
}

std::vector<float> sample_grid(const GridSpec& g,
                               const std::function<std::vector<float>(std::span<const float> xyz)>& evaluate) {
  const uint32_t res = g.resolution;
  const uint64_t slab = uint64_t(res) * res;
  const uint32_t slabs_per_pass = uint32_t(std::max<uint64_t>(1, (1u << 22) / slab));
  std::vector<float> values(slab * res), xyz;
  for (uint32_t k0 = 0; k0 < res; k0 += slabs_per_pass) {
    const uint32_t k1 = std::min(res, k0 + slabs_per_pass);
    xyz.resize(3 * slab * (k1 - k0));
    size_t q = 0;
    for (uint32_t k = k0; k < k1; ++k)
      for (uint32_t j = 0; j < res; ++j)
        for (uint32_t i = 0; i < res; ++i) {
          const Vec3 p = g.point(i, j, k);
          xyz[q++] = float(p.x), xyz[q++] = float(p.y), xyz[q++] = float(p.z);
        }
    const auto v = evaluate(xyz);
    NF_ASSERT(v.size() == slab * (k1 - k0), "sample_grid: evaluate() returned ", v.size(), " values for ",
              slab * (k1 - k0), " points");
    std::copy(v.begin(), v.end(), values.begin() + ptrdiff_t(slab * k0));
  }
  return values;
}

namespace {

class Extractor {
 public:
  Extractor(std::span<const float> v, const GridSpec& g) : v_(v), g_(g), n_(g.resolution) {}

  IsoMesh run() {
    for (uint32_t k = 0; k + 1 < n_; ++k)
      for (uint32_t j = 0; j + 1 < n_; ++j)
        for (uint32_t i = 0; i + 1 < n_; ++i) cube(i, j, k);
    return take();
  }

  IsoMesh take() { return std::move(mesh_); }

  // A triangle found on the GPU: three (inside, outside) grid edges, already oriented.
  void add_edges(const uint32_t* e) {
    for (int q = 0; q < 6; ++q)
      if (e[q] >= uint64_t(n_) * n_ * n_) fail("isosurface: GPU triangle refers to grid point ", e[q], " (out of range)");
    add(vertex(e[0], e[1]), vertex(e[2], e[3]), vertex(e[4], e[5]));
  }

 private:
  uint64_t id(uint32_t i, uint32_t j, uint32_t k) const { return i + uint64_t(n_) * (j + uint64_t(n_) * k); }

  double value(uint64_t g) const { return v_[g]; }

  Vec3 position(uint64_t g) const {
    return g_.point(uint32_t(g % n_), uint32_t((g / n_) % n_), uint32_t(g / (uint64_t(n_) * n_)));
  }

  // Central differences of the grid (one-sided at the border), in value per unit length.
  Vec3 gradient(uint64_t g) const {
    const uint32_t c[3] = {uint32_t(g % n_), uint32_t((g / n_) % n_), uint32_t(g / (uint64_t(n_) * n_))};
    const uint64_t step[3] = {1, n_, uint64_t(n_) * n_};
    const double h = (g_.hi - g_.lo) / double(n_ - 1);
    double d[3];
    for (int a = 0; a < 3; ++a) {
      const uint64_t up = c[a] + 1 < n_ ? g + step[a] : g, down = c[a] > 0 ? g - step[a] : g;
      d[a] = (value(up) - value(down)) / (h * double((up - down) / step[a]));
    }
    return {d[0], d[1], d[2]};
  }

  // The vertex on grid edge (a, b), a inside (< 0) and b outside, created once per edge.
  uint32_t vertex(uint64_t a, uint64_t b) {
    const auto [lo_id, hi_id] = std::minmax(a, b);
    const auto it = edges_.find(std::pair(lo_id, hi_id));
    if (it != edges_.end()) return it->second;
    const double va = value(a), vb = value(b), t = va / (va - vb);
    const Vec3 p = position(a) * (1 - t) + position(b) * t;
    Vec3 n = gradient(a) * (1 - t) + gradient(b) * t;
    const double len = length(n);
    n = len > 0 ? n / len : Vec3{};
    const auto index = uint32_t(mesh_.vertices.size());
    mesh_.vertices.push_back(p);
    mesh_.normals.push_back(n);
    edges_.emplace(std::pair(lo_id, hi_id), index);
    return index;
  }

  void cube(uint32_t i, uint32_t j, uint32_t k) {
    uint64_t corner[8];
    int mask = 0;
    for (int c = 0; c < 8; ++c) {
      corner[c] = id(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1));
      if (value(corner[c]) < 0) mask |= 1 << c;
    }
    if (mask == 0 || mask == 255) return;
    const McCase& mc = mc_case_table()[mask];
    const auto& ends = mc_edge_corners();
    for (int t = 0; t < mc.triangles; ++t) {
      uint32_t v[3];
      for (int q = 0; q < 3; ++q) {
        const uint64_t a = corner[ends[mc.edges[3 * t + q]][0]], b = corner[ends[mc.edges[3 * t + q]][1]];
        v[q] = value(a) < 0 ? vertex(a, b) : vertex(b, a);
      }
      add(v[0], v[1], v[2]);
    }
  }

  // Triangles whose corners weld together (a grid value of exactly 0 puts several edges' vertices on one
  // grid point) are dropped.
  void add(uint32_t a, uint32_t b, uint32_t c) {
    if (a != b && b != c && a != c) mesh_.triangles.push_back({a, b, c});
  }

  struct PairHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& p) const {
      return std::hash<uint64_t>()(p.first * 0x9E3779B97F4A7C15ull ^ p.second);
    }
  };

  std::span<const float> v_;
  GridSpec g_;
  uint32_t n_;
  IsoMesh mesh_;
  std::unordered_map<std::pair<uint64_t, uint64_t>, uint32_t, PairHash> edges_;
};

}  // namespace

IsoMesh extract_isosurface(std::span<const float> values, const GridSpec& grid) {
  if (grid.resolution < 2) fail("isosurface: grid resolution ", grid.resolution, " (need >= 2)");
  const uint64_t n = uint64_t(grid.resolution) * grid.resolution * grid.resolution;
  if (values.size() != n) fail("isosurface: ", values.size(), " values for a ", grid.resolution, "^3 grid");
  return Extractor(values, grid).run();
}

namespace {
struct CubesPush {
  uint32_t res, k0, layers, capacity;
};
constexpr uint32_t kCubesGroup = 64;
}  // namespace

GpuIsosurface::GpuIsosurface(gpu::Context& ctx, uint32_t max_triangles, uint64_t max_slab_bytes)
    : ctx_(ctx),
      capacity_(max_triangles),
      slab_bytes_(std::min<uint64_t>(max_slab_bytes, ctx.info().max_storage_buffer_range)),
      counter_(ctx, 4, "isosurface triangle count", gpu::MemoryUsage::Host),
      triangles_(ctx, uint64_t(max_triangles) * 24, "isosurface triangles"),
      cases_(ctx, mc_case_words().size() * 4, "marching-cubes cases"),
      program_(ctx, {"render/mc_cubes", std::vector(4, gpu::BindingKind::Storage), sizeof(CubesPush), kCubesGroup, {}}) {
  NF_ASSERT(max_triangles > 0, "isosurface with no room for triangles");
  const auto words = mc_case_words();
  cases_.upload(words.data(), words.size() * 4);
}

IsoMesh GpuIsosurface::extract(gpu::Stream& stream, std::span<const float> values, const GridSpec& grid) {
  if (grid.resolution < 2) fail("isosurface: grid resolution ", grid.resolution, " (need >= 2)");
  const uint32_t n = grid.resolution;
  const uint64_t plane = uint64_t(n) * n;
  if (values.size() != plane * n) fail("isosurface: ", values.size(), " values for a ", n, "^3 grid");
  if (plane * n >= (1ull << 32)) fail("isosurface: a ", n, "^3 grid has too many points for 32-bit ids");
  if (2 * plane * sizeof(float) > slab_bytes_) fail("isosurface: one ", n, "^2 slab exceeds the GPU buffer limit");
  uint32_t layers = uint32_t(std::min<uint64_t>(n - 1, slab_bytes_ / (plane * sizeof(float)) - 1));
  gpu::Buffer slab(ctx_, plane * (layers + 1) * sizeof(float), "isosurface slab");
  Extractor weld(values, grid);
  std::vector<uint32_t> tris;
  for (uint32_t k0 = 0; k0 + 1 < n;) {
    const uint32_t count_layers = std::min(layers, n - 1 - k0);
    slab.upload(values.data() + plane * k0, plane * (count_layers + 1) * sizeof(float));
    gpu::CommandList& cmd = stream.begin();
    cmd.fill(counter_, 0);
    cmd.dispatch(program_, gpu::Groups::linear(uint64_t(n - 1) * (n - 1), kCubesGroup),
                 {gpu::Bind::in(slab), gpu::Bind::inout(counter_), gpu::Bind::out(triangles_), gpu::Bind::in(cases_)},
                 CubesPush{n, k0, count_layers, capacity_});
    stream.submit();
    stream.wait();
    uint32_t count = 0;
    counter_.download(&count, 4);
    if (count > capacity_) {
      if (count_layers == 1) fail("isosurface: one cube layer of the ", n, "^3 grid has ", count, " triangles, above ", capacity_);
      layers = std::max<uint32_t>(1, count_layers / 2);
      continue;  // redo this slab thinner
    }
    tris.resize(size_t(count) * 6);
    if (count) triangles_.download(tris.data(), uint64_t(count) * 24);
    for (uint32_t t = 0; t < count; ++t) weld.add_edges(&tris[6 * size_t(t)]);
    k0 += count_layers;
  }
  return weld.take();
}

double enclosed_volume(const IsoMesh& m) {
  double v = 0;
  for (const auto& t : m.triangles) v += dot(m.vertices[t[0]], cross(m.vertices[t[1]], m.vertices[t[2]]));
  return v / 6.0;
}

double surface_area(const IsoMesh& m) {
  double a = 0;
  for (const auto& t : m.triangles)
    a += 0.5 * length(cross(m.vertices[t[1]] - m.vertices[t[0]], m.vertices[t[2]] - m.vertices[t[0]]));
  return a;
}

uint64_t open_edges(const IsoMesh& m) {
  std::unordered_map<uint64_t, uint32_t> count;
  for (const auto& t : m.triangles)
    for (int e = 0; e < 3; ++e) {
      const uint64_t a = t[e], b = t[(e + 1) % 3];
      ++count[std::min(a, b) << 32 | std::max(a, b)];
    }
  uint64_t open = 0;
  for (const auto& [_, c] : count) open += c != 2;
  return open;
}

void write_iso_mesh(const std::string& path, const IsoMesh& m) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  std::string out;
  if (ext == ".obj") {
    out.reserve(m.vertices.size() * 80 + m.triangles.size() * 40);
    out += "# nf: zero level set (marching cubes)\n";
    char line[160];
    for (const auto& v : m.vertices) {
      std::snprintf(line, sizeof line, "v %.7g %.7g %.7g\n", v.x, v.y, v.z);
      out += line;
    }
    for (const auto& n : m.normals) {
      std::snprintf(line, sizeof line, "vn %.6g %.6g %.6g\n", n.x, n.y, n.z);
      out += line;
    }
    for (const auto& t : m.triangles) {
      std::snprintf(line, sizeof line, "f %u//%u %u//%u %u//%u\n", t[0] + 1, t[0] + 1, t[1] + 1, t[1] + 1, t[2] + 1,
                    t[2] + 1);
      out += line;
    }
  } else if (ext == ".ply") {
    out = "ply\nformat binary_little_endian 1.0\ncomment nf: zero level set (marching cubes)\nelement vertex " +
          std::to_string(m.vertices.size()) +
          "\nproperty float x\nproperty float y\nproperty float z\nproperty float nx\nproperty float ny\nproperty "
          "float nz\nelement face " +
          std::to_string(m.triangles.size()) + "\nproperty list uchar uint vertex_indices\nend_header\n";
    auto put = [&out](const void* p, size_t bytes) { out.append(static_cast<const char*>(p), bytes); };
    for (size_t i = 0; i < m.vertices.size(); ++i) {
      const float f[6] = {float(m.vertices[i].x), float(m.vertices[i].y), float(m.vertices[i].z),
                          float(m.normals[i].x),  float(m.normals[i].y),  float(m.normals[i].z)};
      put(f, sizeof f);
    }
    for (const auto& t : m.triangles) {
      const uint8_t three = 3;
      put(&three, 1);
      put(t.data(), 12);
    }
  } else {
    fail("mesh ", path, ": unknown format '", ext, "' (write .obj or .ply)");
  }
  write_file_atomically(path, out);
}

}  // namespace nf::render
