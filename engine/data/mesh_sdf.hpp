#pragma once
// Signed distance to a triangle mesh, the ground truth SDF fields are trained on:
//   sdf(p) = s * min over triangles of |p - closest point|,   s = -1 where the winding number w(p) > 1/2,
//                                                             s = +1 elsewhere (positive outside).
// The distance is exact (TriangleBvh); w comes from the fast winding number (FastWindingNumber), so the
// sign holds on open meshes with holes and on soups, not only on closed manifolds.
//
// Units are the mesh's: with a mesh from load_mesh(), points and distances are normalised (multiply a
// distance by 1 / transform.scale for file units). All queries are thread-safe.
#include <cstdint>
#include <memory>
#include <span>

#include "data/mesh.hpp"
#include "data/triangle_bvh.hpp"
#include "data/winding_number.hpp"

namespace nf::data {

struct SdfQuery {
  double distance = 0.0;  // unsigned, exact
  double winding = 0.0;   // approximate generalized winding number
  Vec3 closest;           // closest surface point
  uint32_t triangle = 0;  // the triangle it lies on (index into the mesh's triangles)
  double signed_distance() const { return winding > 0.5 ? -distance : distance; }
};

class MeshSdf {
 public:
  // Copies the mesh and builds the BVH and winding-number tree (O(F log F)). beta: winding-number
  // accuracy (see FastWindingNumber).
  explicit MeshSdf(Mesh mesh, double beta = 2.0);

  SdfQuery query(const Vec3& p) const;
  double signed_distance(const Vec3& p) const { return query(p).signed_distance(); }
  double distance(const Vec3& p) const { return bvh_->closest(p).distance; }
  double winding_number(const Vec3& p) const { return (*winding_)(p); }

  // sdf[i] = signed_distance(xyz[3i], xyz[3i + 1], xyz[3i + 2]) for every i < sdf.size(); xyz holds
  // 3 * sdf.size() floats. threads: 0 = std::thread::hardware_concurrency(); the result does not depend on
  // it.
  void signed_distances(std::span<const float> xyz, std::span<float> sdf, unsigned threads = 0) const;

  const Mesh& mesh() const { return mesh_; }
  const TriangleBvh& bvh() const { return *bvh_; }

 private:
  Mesh mesh_;
  std::unique_ptr<TriangleBvh> bvh_;
  std::unique_ptr<FastWindingNumber> winding_;  // refers to *bvh_ (heap-held: MeshSdf stays movable)
};

}  // namespace nf::data
