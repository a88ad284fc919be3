#pragma once
// A bounding-volume hierarchy over a mesh's triangles, for exact closest-point queries (unsigned distance)
// and as the tree of the fast winding number (data/winding_number.hpp).
//
// Our own rather than Embree's point queries: the fast winding number needs per-node sums (area-weighted
// normals and centroids) over the same hierarchy, which Embree does not expose; this tree serves both, in
// double precision throughout, builds deterministically, and adds no dependency.
//
// Binary tree of axis-aligned boxes, built top-down by splitting triangles at the median centroid along the
// box's longest axis, at most kLeafSize triangles a leaf. Median splits (rather than SAH) bound the depth by
// log2 of the triangle count, so queries traverse with a fixed 64-entry stack whatever the mesh. Nodes are stored depth-first: an interior node's
// first child follows it, the second is at `second`. All coordinates are in the mesh's units (normalised,
// when the mesh came from load_mesh()).
#include <cstdint>
#include <vector>

#include "core/vec3.hpp"
#include "data/mesh.hpp"

namespace nf::data {

struct BvhNode {
  Vec3 lo, hi;          // bounding box of the node's triangles
  uint32_t first = 0;   // the node's triangles (its whole subtree's) are slots [first, first + count)
  uint32_t count = 0;   //   of the triangle order
  uint32_t second = 0;  // interior: index of the second child; leaf: 0 (the root is nobody's child)
  bool leaf() const { return second == 0; }
};

// The point of triangle (a, b, c) closest to p (exact; degenerate triangles are handled).
Vec3 closest_point_on_triangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c);

struct ClosestPoint {
  double distance = 0.0;  // Euclidean, >= 0
  Vec3 point;             // on the surface
  uint32_t triangle = 0;  // index into the mesh's triangles
};

class TriangleBvh {
 public:
  static constexpr uint32_t kLeafSize = 4;

  // Copies the triangles' corners (the mesh need not outlive the tree). The mesh must have a triangle.
  explicit TriangleBvh(const Mesh& mesh);

  // Exact closest point on the mesh to p. Thread-safe.
  ClosestPoint closest(const Vec3& p) const;

  const std::vector<BvhNode>& nodes() const { return nodes_; }
  // Slot s of the triangle order holds mesh triangle order()[s] with corners corners()[3s .. 3s + 2].
  const std::vector<uint32_t>& order() const { return order_; }
  const std::vector<Vec3>& corners() const { return corners_; }

 private:
  uint32_t build(uint32_t first, uint32_t count, std::vector<Vec3>& centroids);

  std::vector<BvhNode> nodes_;
  std::vector<uint32_t> order_;
  std::vector<Vec3> corners_;
};

}  // namespace nf::data
