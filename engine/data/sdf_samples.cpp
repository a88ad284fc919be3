#include "data/sdf_samples.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nf::data {
namespace {

bool in_box(const Vec3& p) {
  return std::abs(p.x) <= 1.0 && std::abs(p.y) <= 1.0 && std::abs(p.z) <= 1.0;
}

// Area-weighted random points on a mesh's surface.
class SurfaceSampler {
 public:
  explicit SurfaceSampler(const Mesh& mesh) : mesh_(mesh), cumulative_(mesh.triangles.size()) {
    double sum = 0.0;
    for (uint32_t t = 0; t < mesh.triangles.size(); ++t) cumulative_[t] = sum += length(area_normal(mesh, t));
  }

  Vec3 operator()(Pcg32& rng) const {
    const double u = rng.uniform() * cumulative_.back();
    const size_t t =
        std::min<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin(),
                         cumulative_.size() - 1);
    const auto& tri = mesh_.triangles[t];
    // Uniform in the triangle: sqrt of the first variable makes the density constant over the area.
    const double s = std::sqrt(rng.uniform()), r = rng.uniform();
    return mesh_.vertices[tri[0]] * (1.0 - s) + mesh_.vertices[tri[1]] * (s * (1.0 - r)) +
           mesh_.vertices[tri[2]] * (s * r);
  }

 private:
  const Mesh& mesh_;
  std::vector<double> cumulative_;
};

std::array<uint64_t, 4> kind_counts(const SdfSampleOptions& o) {
  const double w[4] = {o.surface, o.near_fine, o.near_coarse, o.uniform};
  double sum = 0.0;
  for (double x : w) {
    if (!(x >= 0.0 && std::isfinite(x)))
      fail("sdf samples: kind weights must be finite and >= 0 (got ", x, ")");
    sum += x;
  }
  if (!(sum > 0.0)) fail("sdf samples: all kind weights are zero");
  std::array<uint64_t, 4> counts{};
  uint64_t assigned = 0;
  int last = 0;
  for (int k = 0; k < 4; ++k) {
    counts[k] = uint64_t(std::floor(double(o.count) * w[k] / sum));
    assigned += counts[k];
    if (w[k] > 0.0) last = k;
  }
  counts[last] += o.count - assigned;
  return counts;
}

}  // namespace

SdfSamples make_sdf_samples(const MeshSdf& sdf, const SdfSampleOptions& options) {
  if (options.count == 0) fail("sdf samples: count is 0");
  if (!(options.sigma_fine > 0.0) || !(options.sigma_coarse > 0.0))
    fail("sdf samples: sigmas must be positive (got ", options.sigma_fine, ", ", options.sigma_coarse, ")");
  SdfSamples out;
  out.counts = kind_counts(options);
  out.points.resize(3 * options.count);
  out.sdf.assign(options.count, 0.0f);

  Pcg32 rng(options.seed);
  const SurfaceSampler surface(sdf.mesh());
  uint64_t i = 0;
  auto put = [&](const Vec3& p) {
    out.points[3 * i] = float(p.x);
    out.points[3 * i + 1] = float(p.y);
    out.points[3 * i + 2] = float(p.z);
    ++i;
  };
  for (uint64_t n = 0; n < out.counts[0]; ++n) put(surface(rng));
  for (const auto kind : {SdfSampleKind::NearFine, SdfSampleKind::NearCoarse}) {
    const double sigma = kind == SdfSampleKind::NearFine ? options.sigma_fine : options.sigma_coarse;
    for (uint64_t n = 0; n < out.counts[uint32_t(kind)]; ++n) {
      const Vec3 base = surface(rng);
      Vec3 p;
      for (int attempt = 0; attempt < 16; ++attempt) {
        p = base + Vec3{rng.normal(), rng.normal(), rng.normal()} * sigma;
        if (in_box(p)) break;
      }
      put(Vec3{std::clamp(p.x, -1.0, 1.0), std::clamp(p.y, -1.0, 1.0), std::clamp(p.z, -1.0, 1.0)});
    }
  }
  for (uint64_t n = 0; n < out.counts[3]; ++n)
    put({rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)});

  // Surface points keep sdf = 0; the rest are evaluated (in parallel, deterministic).
  const uint64_t first = out.counts[0];
  sdf.signed_distances(std::span<const float>(out.points).subspan(3 * first),
                       std::span<float>(out.sdf).subspan(first), options.threads);
  return out;
}

}  // namespace nf::data
