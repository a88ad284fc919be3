#include "pipeline/sdf_metrics.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/triangle_bvh.hpp"

namespace nf::pipeline {

SdfIouProbe::SdfIouProbe(const data::MeshSdf& truth, uint32_t points, uint64_t seed) : xyz_(3 * size_t(points)) {
  NF_ASSERT(points > 0, "IoU over no points");
  Pcg32 rng(seed);
  for (auto& v : xyz_) v = float(rng.uniform(-1.0, 1.0));
  std::vector<float> gt(points);
  truth.signed_distances(xyz_, gt);
  inside_.resize(points);
  for (uint32_t i = 0; i < points; ++i) inside_[i] = gt[i] < 0;
}

double SdfIouProbe::operator()(SdfExperiment& experiment) const {
  const auto pred = experiment.evaluate(xyz_);
  uint64_t both = 0, either = 0;
  for (size_t i = 0; i < inside_.size(); ++i) {
    const bool a = pred[i] < 0, b = inside_[i];
    both += a && b;
    either += a || b;
  }
  return either ? double(both) / double(either) : 1.0;
}

double sdf_iou(SdfExperiment& experiment, const data::MeshSdf& truth, uint32_t points, uint64_t seed) {
  return SdfIouProbe(truth, points, seed)(experiment);
}

std::vector<float> surface_points(const data::Mesh& mesh, uint32_t count, uint64_t seed) {
  std::vector<double> cumulative(mesh.triangles.size());
  double sum = 0;
  for (uint32_t t = 0; t < mesh.triangles.size(); ++t) cumulative[t] = sum += length(data::area_normal(mesh, t));
  if (!(sum > 0)) fail("surface samples: the mesh has no triangle of positive area");
  Pcg32 rng(seed);
  std::vector<float> out(3 * size_t(count));
  for (uint32_t i = 0; i < count; ++i) {
    const double r = rng.uniform() * sum;
    const size_t t = std::min<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin(),
                                      cumulative.size() - 1);
    const auto& tri = mesh.triangles[t];
    const double s = std::sqrt(rng.uniform()), u = rng.uniform();
    const Vec3 p = mesh.vertices[tri[0]] * (1 - s) + mesh.vertices[tri[1]] * (s * (1 - u)) + mesh.vertices[tri[2]] * (s * u);
    out[3 * i] = float(p.x);
    out[3 * i + 1] = float(p.y);
    out[3 * i + 2] = float(p.z);
  }
  return out;
}

namespace {

double mean_distance(const std::vector<float>& xyz, const data::TriangleBvh& to) {
  double sum = 0;
  const size_t n = xyz.size() / 3;
  for (size_t i = 0; i < n; ++i) sum += to.closest(Vec3{xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]}).distance;
  return sum / double(n);
}

}  // namespace

double chamfer_l1(const data::Mesh& mesh, const data::Mesh& reference, uint32_t samples, uint64_t seed) {
  NF_ASSERT(samples > 0, "Chamfer distance over no samples");
  if (mesh.triangles.empty()) fail("Chamfer distance: the mesh has no triangles");
  if (reference.triangles.empty()) fail("Chamfer distance: the reference mesh has no triangles");
  Vec3 lo = reference.vertices[0], hi = lo;
  for (const auto& v : reference.vertices) {
    lo = min(lo, v);
    hi = max(hi, v);
  }
  const double diagonal = length(hi - lo);
  if (!(diagonal > 0)) fail("Chamfer distance: the reference mesh is a point");
  const data::TriangleBvh to_mesh(mesh), to_reference(reference);
  const double ab = mean_distance(surface_points(mesh, samples, seed), to_reference);
  const double ba = mean_distance(surface_points(reference, samples, seed + 1), to_mesh);
  return 0.5 * (ab + ba) / diagonal;
}

}  // namespace nf::pipeline
