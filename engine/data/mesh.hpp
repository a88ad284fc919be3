#pragma once
// Triangle meshes as SDF ground truth: reading (OBJ, PLY), checking, and normalising into [-1,1]^3.
//
// load_mesh() reads a file, validates it, drops zero-area triangles, reports its topology and maps it into
// the field's box. Every coordinate a caller gets from it is *normalised* (inside [-1+margin, 1-margin]^3);
// the MeshTransform it returns maps normalised positions and distances back to the file's units.
//
// Errors (nf::Error, one line naming the file): missing or unreadable file, unknown format, parse errors,
// NaN/inf coordinates, face indices out of range, no triangles (or none left after dropping zero-area
// ones), more than max_triangles triangles / vertices.
// Warnings (logged through core/log.hpp; the mesh stays usable): zero-area triangles dropped (with their
// count), open boundary edges, non-manifold edges, edges whose two triangles disagree on orientation, and a
// mesh turned inside out (negative enclosed volume), which is flipped.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/vec3.hpp"

namespace nf::data {

// Default limit on triangles and on vertices: 16M. The CPU ground truth (mesh, BVH, winding-number moments)
// keeps about 0.3 KB per triangle: ~5 GB at the limit; spot (5,856 triangles) needs ~2 MB.
inline constexpr uint64_t kMaxMeshTriangles = 1ull << 24;

struct Mesh {
  std::vector<Vec3> vertices;
  std::vector<std::array<uint32_t, 3>> triangles;  // counter-clockwise seen from outside = outward normal
};

// Maps mesh (file) units to normalised units: normalised = (p - centre) * scale. Distances scale by `scale`.
// Store it next to a trained field so that exports (marching cubes, renders) map back to the file's units.
struct MeshTransform {
  Vec3 centre;
  double scale = 1.0;

  Vec3 to_normalized(const Vec3& p) const { return (p - centre) * scale; }
  Vec3 to_mesh(const Vec3& q) const { return q / scale + centre; }
  double distance_to_mesh(double d) const { return d / scale; }
};

// {"centre": [x, y, z], "scale": s} (exact: doubles round-trip through nlohmann's JSON). from_json throws
// naming `where` on missing or unknown keys, wrong types, a non-finite centre or a scale that is not > 0.
json to_json(const MeshTransform& transform);
MeshTransform mesh_transform_from_json(const json& value, const std::string& where);

// What load_mesh() found. Counts refer to the file's triangles after triangulating polygons.
struct MeshReport {
  uint64_t vertices = 0;           // as read
  uint64_t triangles = 0;          // kept (after dropping zero-area ones)
  uint64_t zero_area_dropped = 0;  // repeated indices or collinear corners
  uint64_t boundary_edges = 0;     // edges with one triangle: the mesh is open (has holes)
  uint64_t nonmanifold_edges = 0;  // edges with three or more triangles
  uint64_t misoriented_edges = 0;  // edges whose two triangles traverse them in the same direction
  bool flipped = false;            // enclosed volume was negative: every triangle was reversed
  double area = 0.0;               // surface area, normalised units
  bool closed() const { return boundary_edges == 0 && nonmanifold_edges == 0; }
};

struct MeshLoadOptions {
  // The bounding box's longest side is fit into [-1 + margin, 1 - margin] (normalised units), centred at 0.
  double margin = 0.1;
  uint64_t max_triangles = kMaxMeshTriangles;  // also the limit on vertices
};

struct LoadedMesh {
  Mesh mesh;  // normalised units
  MeshTransform transform;
  MeshReport report;
};

// Reads .obj (tinyobjloader; polygons triangulated, every object/group merged) or .ply (ASCII, binary
// little/big endian; vertex x,y,z of any scalar type; face lists "vertex_indices"/"vertex_index",
// polygons fan-triangulated), chosen by extension (case-insensitive).
LoadedMesh load_mesh(const std::string& path, const MeshLoadOptions& options = {});

// The checks and normalisation of load_mesh() on a mesh already in memory (`name` names it in messages):
// validates coordinates and indices, drops zero-area triangles, analyses the edges, flips an inside-out
// mesh, logs the warnings and normalises in place.
LoadedMesh prepare_mesh(Mesh mesh, const std::string& name, const MeshLoadOptions& options = {});

// The transform that fits the bounding box of `vertices` into [-1 + margin, 1 - margin]^3 (longest side,
// centred). Throws when the box is degenerate (all vertices equal) or margin is outside [0, 1).
MeshTransform fit_transform(const std::vector<Vec3>& vertices, double margin, const std::string& name);

// Reading only (no checks beyond parsing): the raw vertices and triangles of a file. Used by load_mesh().
Mesh read_mesh_file(const std::string& path, uint64_t max_triangles = kMaxMeshTriangles);

// Area-weighted normal of triangle t: cross(b - a, c - a) / 2 (length = area, direction = outward normal).
Vec3 area_normal(const Mesh& mesh, uint32_t t);

}  // namespace nf::data
