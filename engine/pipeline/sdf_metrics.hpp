#pragma once
// Quality of a fitted SDF against its mesh:
//   IoU:     of the inside sets (sdf < 0) of the field and the ground truth, estimated on `points` uniform
//            random points in [-1, 1]^3 (normalised units): |inside both| / |inside either|.
//   Chamfer: symmetric Chamfer-L1 between two triangle meshes: `samples` area-weighted surface points on
//            each, exact closest point on the other (TriangleBvh); (mean a->b + mean b->a) / 2, divided by
//            the bounding-box diagonal of `reference`, so 0.01 = 1% of the object's size.
#include <cstdint>
#include <vector>

#include "data/mesh.hpp"
#include "data/mesh_sdf.hpp"
#include "pipeline/sdf_experiment.hpp"

namespace nf::pipeline {

double sdf_iou(SdfExperiment& experiment, const data::MeshSdf& truth, uint32_t points = 1u << 18, uint64_t seed = 1);

// The same IoU estimate on fixed points: the points and their ground-truth signs are drawn once (the
// costly CPU part), so repeated measurements during training (the viewer's IoU plot) only evaluate the field.
class SdfIouProbe {
 public:
  SdfIouProbe(const data::MeshSdf& truth, uint32_t points, uint64_t seed);
  double operator()(SdfExperiment& experiment) const;
  uint32_t points() const { return uint32_t(inside_.size()); }

 private:
  std::vector<float> xyz_;
  std::vector<bool> inside_;  // ground truth sdf < 0
};

// Both meshes in the same units. Throws naming the problem when either has no triangle of positive area.
double chamfer_l1(const data::Mesh& mesh, const data::Mesh& reference, uint32_t samples = 1u << 16, uint64_t seed = 1);

// Area-weighted uniform surface points (3 floats each) of a mesh.
std::vector<float> surface_points(const data::Mesh& mesh, uint32_t count, uint64_t seed);

}  // namespace nf::pipeline
