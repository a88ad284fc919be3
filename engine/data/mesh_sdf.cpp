#include "data/mesh_sdf.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace nf::data {

MeshSdf::MeshSdf(Mesh mesh, double beta) : mesh_(std::move(mesh)) {
  NF_ASSERT(!mesh_.triangles.empty(), "MeshSdf needs a mesh with triangles");
  bvh_ = std::make_unique<TriangleBvh>(mesh_);
  winding_ = std::make_unique<FastWindingNumber>(*bvh_, beta);
}

SdfQuery MeshSdf::query(const Vec3& p) const {
  const ClosestPoint c = bvh_->closest(p);
  return {c.distance, (*winding_)(p), c.point, c.triangle};
}

void MeshSdf::signed_distances(std::span<const float> xyz, std::span<float> sdf, unsigned threads) const {
  NF_ASSERT(xyz.size() == 3 * sdf.size(), "signed_distances: ", xyz.size(), " coordinates for ", sdf.size(),
            " points");
  parallel_for(sdf.size(), threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i)
      sdf[i] = float(signed_distance({xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]}));
  });
}

}  // namespace nf::data
