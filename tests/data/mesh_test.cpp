#include "data/mesh.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "mesh_fixtures.hpp"
#include "support/check.hpp"

namespace nf::data {
namespace {

using test::TempDir;
using test::WarningCapture;

// Expects load_mesh(path) to throw an nf::Error whose message names the file and contains `what`.
void expect_load_error(const std::string& path, const std::string& what,
                       const MeshLoadOptions& options = {}) {
  try {
    load_mesh(path, options);
    ADD_FAILURE() << "loaded " << path << " without error (expected '" << what << "')";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
  }
}

void expect_in_box(const Mesh& m, double bound) {
  double extreme = 0.0;
  for (const Vec3& v : m.vertices)
    for (int k = 0; k < 3; ++k) {
      ASSERT_LE(std::abs(v[k]), bound + 1e-12);
      extreme = std::max(extreme, std::abs(v[k]));
    }
  EXPECT_NEAR(extreme, bound, 1e-12) << "the longest side should touch the margin";
}

TEST(Mesh, LoadsSpotClosedAndNormalised) {
  WarningCapture log;
  const LoadedMesh m = load_mesh(test::asset("meshes/spot.obj"));
  EXPECT_EQ(m.report.vertices, 2930u);
  EXPECT_EQ(m.report.triangles, 5856u);
  EXPECT_EQ(m.mesh.triangles.size(), 5856u);
  EXPECT_TRUE(m.report.closed());
  EXPECT_EQ(m.report.misoriented_edges, 0u);
  EXPECT_FALSE(m.report.flipped);
  EXPECT_TRUE(log.warnings().empty()) << log.warnings().front();
  expect_in_box(m.mesh, 0.9);
  EXPECT_GT(m.report.area, 0.0);
}

// The torus is closed; spot_open is spot without the 13 triangles around two of its vertices: two holes
// with 13 rim edges in all.
TEST(Mesh, ClosedTorusHasNoWarningsAndOpenSpotWarns) {
  {
    WarningCapture log;
    const LoadedMesh m = load_mesh(test::test_input("meshes/torus.obj"));
    EXPECT_EQ(m.report.triangles, 2304u);
    EXPECT_TRUE(m.report.closed());
    EXPECT_EQ(m.report.misoriented_edges, 0u);
    EXPECT_FALSE(m.report.flipped);
    EXPECT_TRUE(log.warnings().empty()) << log.warnings().front();
  }
  WarningCapture log;
  const std::string path = test::test_input("meshes/spot_open.obj");
  const LoadedMesh m = load_mesh(path);
  EXPECT_EQ(m.report.triangles, 5843u);
  EXPECT_EQ(m.report.boundary_edges, 13u);
  EXPECT_FALSE(m.report.closed());
  EXPECT_TRUE(log.has("boundary edges")) << "no open-mesh warning";
  EXPECT_TRUE(log.has(path));
}

TEST(Mesh, TransformRoundTripsToFileUnits) {
  const std::string path = test::asset("meshes/spot.obj");
  const Mesh raw = read_mesh_file(path);
  const LoadedMesh m = load_mesh(path, {.margin = 0.25});
  ASSERT_EQ(raw.triangles.size(), m.mesh.triangles.size());
  expect_in_box(m.mesh, 0.75);
  for (size_t t = 0; t < raw.triangles.size(); ++t)
    for (int k = 0; k < 3; ++k) {
      const Vec3 file = raw.vertices[raw.triangles[t][k]];
      const Vec3 back = m.transform.to_mesh(m.mesh.vertices[m.mesh.triangles[t][k]]);
      ASSERT_LT(length(file - back), 1e-12) << "triangle " << t;
    }
  Pcg32 rng(5);
  for (int i = 0; i < 100; ++i) {
    const Vec3 q{rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)};
    EXPECT_LT(length(m.transform.to_normalized(m.transform.to_mesh(q)) - q), 1e-14);
  }
  // Distances scale by 1 / scale: the distance between two file points equals the mapped distance.
  const Vec3 a = raw.vertices[0], b = raw.vertices[1];
  EXPECT_NEAR(
      m.transform.distance_to_mesh(length(m.transform.to_normalized(a) - m.transform.to_normalized(b))),
      length(a - b), 1e-12);
}

TEST(Mesh, TransformRoundTripsThroughJson) {
  const MeshTransform t{{0.1, -2.5e-7, 1.0 / 3.0}, 1.0 / 7.0};
  const MeshTransform back = mesh_transform_from_json(json::parse(to_json(t).dump()), "snapshot");
  EXPECT_EQ(back.centre, t.centre);
  EXPECT_EQ(back.scale, t.scale);
  EXPECT_THROW(mesh_transform_from_json(json{{"centre", {0, 0}}, {"scale", 1}}, "t"), Error);
  EXPECT_THROW(mesh_transform_from_json(json{{"centre", {0, 0, 0}}, {"scale", 0}}, "t"), Error);
  EXPECT_THROW(mesh_transform_from_json(json{{"centre", {0, 0, 0}}, {"scale", 1}, {"scael", 1}}, "t"), Error);
  EXPECT_THROW(mesh_transform_from_json(json{{"scale", 1}}, "t"), Error);
}

TEST(Mesh, TriangulatesPolygonsAndMergesObjects) {
  TempDir dir;
  const std::string path = dir.write("poly.obj",
                                     "# a quad and a pentagon in two objects\n"
                                     "mtllib missing.mtl\n"
                                     "o quad\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\n"
                                     "o pentagon\nv 0 0 1\nv 1 0 1\nv 1.5 0.5 1\nv 1 1 1\nv 0 1 1\n"
                                     "usemtl none\nf -5 -4 -3 -2 -1\n");
  const Mesh m = read_mesh_file(path);
  EXPECT_EQ(m.vertices.size(), 9u);
  EXPECT_EQ(m.triangles.size(), 5u);
  double area = 0.0;
  for (uint32_t t = 0; t < m.triangles.size(); ++t) area += length(area_normal(m, t));
  EXPECT_NEAR(area, 1.0 + 1.25, 1e-12);
}

// PLY text/bytes of a mesh: ASCII, or binary in the given byte order (float32 xyz plus an extra property,
// uchar/int lists, an extra element to skip).
std::string to_ply(const Mesh& m, const std::string& format) {
  std::string h =
      "ply\nformat " + format + " 1.0\ncomment nf test\nelement vertex " + std::to_string(m.vertices.size()) +
      "\nproperty float x\nproperty float y\nproperty float z\n"
      "property uchar red\nelement face " +
      std::to_string(m.triangles.size()) +
      "\nproperty list uchar int vertex_indices\nelement extra 1\nproperty list uchar short junk\n"
      "end_header\n";
  if (format == "ascii") {
    for (const auto& v : m.vertices) h += cat(v.x, " ", v.y, " ", v.z, " 255\n");
    for (const auto& t : m.triangles) h += cat("3 ", t[0], " ", t[1], " ", t[2], "\n");
    return h + "2 7 -7\n";
  }
  const bool swap = (format == "binary_big_endian") != (std::endian::native == std::endian::big);
  auto put = [&](const void* p, size_t n) {
    char b[8];
    std::memcpy(b, p, n);
    if (swap) std::reverse(b, b + n);
    h.append(b, n);
  };
  for (const auto& v : m.vertices) {
    for (int k = 0; k < 3; ++k) {
      const float f = float(v[k]);
      put(&f, 4);
    }
    h += char(255);
  }
  for (const auto& t : m.triangles) {
    h += char(3);
    for (int k = 0; k < 3; ++k) {
      const int32_t i = int32_t(t[k]);
      put(&i, 4);
    }
  }
  h += char(2);
  const int16_t junk[2] = {7, -7};
  put(&junk[0], 2);
  put(&junk[1], 2);
  return h;
}

TEST(Mesh, ReadsAsciiAndBinaryPly) {
  TempDir dir;
  const Mesh cube = test::make_cube(0.5);
  for (const std::string format : {"ascii", "binary_little_endian", "binary_big_endian"}) {
    const Mesh m = read_mesh_file(dir.write(format + ".PLY", to_ply(cube, format)));
    ASSERT_EQ(m.vertices.size(), cube.vertices.size()) << format;
    EXPECT_EQ(m.vertices, cube.vertices) << format;
    EXPECT_EQ(m.triangles, cube.triangles) << format;
  }
  // Quads are fan-triangulated.
  const std::string quad =
      "ply\nformat ascii 1.0\nelement vertex 4\nproperty double x\nproperty double y\n"
      "property double z\nelement face 1\nproperty list uchar uint vertex_index\nend_header\n"
      "0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n";
  EXPECT_EQ(read_mesh_file(dir.write("quad.ply", quad)).triangles.size(), 2u);
}

TEST(Mesh, RejectsBadInputWithOneLineNamingTheFile) {
  TempDir dir;
  const std::string cube = test::to_obj(test::make_cube(1.0));
  expect_load_error(dir.path("absent.obj"), "cannot open");
  expect_load_error(dir.write("empty.obj", ""), "empty");
  std::filesystem::create_directory(dir.path("folder.obj"));
  expect_load_error(dir.path("folder.obj"), "is a directory");
  expect_load_error(dir.write("cube.stl", cube), "unknown mesh format");
  expect_load_error(dir.write("points.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\n"), "no triangles");
  expect_load_error(dir.write("comments.obj", "# nothing\n"), "no vertices");
  expect_load_error(dir.write("nan.obj", "v 0 0 0\nv 1 nan 0\nv 0 1 0\nf 1 2 3\n"),
                    "line 2: vertex coordinate 'nan'");
  expect_load_error(dir.write("inf.obj", "v 0 0 0\nv 1 0 inf\nv 0 1 0\nf 1 2 3\n"), "not a finite number");
  expect_load_error(dir.write("overflow.obj", "v 0 0 0\nv 1 0 1e999\nv 0 1 0\nf 1 2 3\n"),
                    "not a finite number");
  expect_load_error(dir.write("range.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n"),
                    "face index 9 out of range");
  expect_load_error(dir.write("zero.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n"),
                    "face index 0 out of range");
  expect_load_error(dir.write("relative.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf -1 -2 -4\n"), "face index -4");
  expect_load_error(dir.write("flat.obj", "v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\nf 1 1 2\n"),
                    "no triangles with a non-zero area");
  expect_load_error(dir.write("point.obj", "v 1 1 1\nv 1 1 1\nv 1 1 1\nf 1 2 3\n"), "non-zero area");
  expect_load_error(dir.write("big.obj", cube), "more than 11 triangles", {.max_triangles = 11});
  expect_load_error(dir.write("notply.ply", "hello\n"), "not a PLY file");
  const std::string header =
      "ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\n"
      "property float y\nproperty float z\n";
  expect_load_error(
      dir.write("huge.ply", header + "element face 100000000\nproperty list uchar int vertex_indices\n"
                                     "end_header\n"),
      "more than the limit of 16777216");
  expect_load_error(dir.write("short.ply", header + "end_header\n" + std::string(20, '\0')), "truncated");
  const std::string ascii =
      "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
      "property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n";
  expect_load_error(dir.write("nan.ply", ascii + "0 0 0\n1 0 nan\n0 1 0\n3 0 1 2\n"),
                    "vertex 1 has a non-finite");
  expect_load_error(dir.write("range.ply", ascii + "0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n"),
                    "refers to vertex 3 of 3");
  expect_load_error(dir.write("negative.ply", ascii + "0 0 0\n1 0 0\n0 1 0\n3 0 -1 2\n"),
                    "invalid vertex index -1");
  expect_load_error(dir.write("garbage.ply", ascii + "0 0 0\n1 0 x\n0 1 0\n3 0 1 2\n"),
                    "malformed PLY value 'x'");
  EXPECT_THROW(prepare_mesh(test::make_cube(1.0), "margin", {.margin = 1.0}), Error);
}

TEST(Mesh, DropsZeroAreaTrianglesWithACount) {
  Mesh m = test::make_cube(2.0);
  m.triangles.push_back({0, 0, 1});         // repeated index
  m.vertices.push_back({0.0, -2.0, -2.0});  // midpoint of edge 0-1: collinear with it
  m.triangles.push_back({0, 8, 1});
  WarningCapture log;
  const LoadedMesh out = prepare_mesh(m, "cube+2", {});
  EXPECT_EQ(out.report.zero_area_dropped, 2u);
  EXPECT_EQ(out.report.triangles, 12u);
  EXPECT_EQ(out.mesh.vertices.size(), 8u) << "vertices used only by dropped triangles are removed";
  EXPECT_TRUE(out.report.closed());
  EXPECT_TRUE(log.has("cube+2: dropped 2 zero-area triangles"));
  EXPECT_NEAR(out.report.area, 6 * 1.8 * 1.8, 1e-12);
}

TEST(Mesh, ReportsOpenNonManifoldAndMisorientedEdges) {
  {
    Mesh m = test::make_cube(1.0);
    m.triangles.pop_back();
    m.triangles.pop_back();  // one face removed: a square hole
    WarningCapture log;
    const LoadedMesh out = prepare_mesh(m, "open-cube", {});
    EXPECT_EQ(out.report.boundary_edges, 4u);
    EXPECT_EQ(out.report.nonmanifold_edges, 0u);
    EXPECT_TRUE(log.has("open-cube: open surface, 4 boundary edges"));
  }
  {
    Mesh m = test::make_cube(1.0);
    m.vertices.push_back({0.0, 0.0, 3.0});
    m.triangles.push_back({0, 3, 8});  // a fin on the diagonal 0-3 of the bottom face: three triangles there
    WarningCapture log;
    const LoadedMesh out = prepare_mesh(m, "fin", {});
    EXPECT_EQ(out.report.nonmanifold_edges, 1u);
    EXPECT_EQ(out.report.boundary_edges, 2u);
    EXPECT_TRUE(log.has("fin: 1 non-manifold edges"));
  }
  {
    Mesh m = test::make_cube(1.0);
    std::swap(m.triangles[0][1], m.triangles[0][2]);  // one triangle flipped: its three edges disagree
    WarningCapture log;
    const LoadedMesh out = prepare_mesh(m, "flip1", {});
    EXPECT_EQ(out.report.misoriented_edges, 3u);
    EXPECT_TRUE(log.has("flip1: 3 edges between inconsistently oriented triangles"));
  }
  {
    // Split vertices (one copy per face, as STL-like exports store them) are still a closed mesh.
    const Mesh cube = test::make_cube(1.0);
    Mesh m;
    for (const auto& t : cube.triangles) {
      const uint32_t base = uint32_t(m.vertices.size());
      for (int k = 0; k < 3; ++k) m.vertices.push_back(cube.vertices[t[k]]);
      m.triangles.push_back({base, base + 1, base + 2});
    }
    WarningCapture log;
    EXPECT_TRUE(prepare_mesh(m, "soup", {}).report.closed());
    EXPECT_TRUE(log.warnings().empty());
  }
}

TEST(Mesh, InsideOutMeshIsReversed) {
  Mesh m = test::make_cube(1.0);
  for (auto& t : m.triangles) std::swap(t[0], t[1]);
  WarningCapture log;
  const LoadedMesh out = prepare_mesh(m, "inverted", {});
  EXPECT_TRUE(out.report.flipped);
  EXPECT_TRUE(log.has("inverted: triangles face inward"));
  // Outward again: the bottom face's normal points down.
  EXPECT_LT(area_normal(out.mesh, 0).z, 0.0);
  EXPECT_FALSE(prepare_mesh(test::make_cube(1.0), "cube", {}).report.flipped);
}

}  // namespace
}  // namespace nf::data
