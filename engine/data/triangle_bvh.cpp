#include "data/triangle_bvh.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/error.hpp"

namespace nf::data {
namespace {

double box_distance_squared(const Vec3& p, const Vec3& lo, const Vec3& hi) {
  double d = 0.0;
  for (int k = 0; k < 3; ++k) {
    const double e = std::max({lo[k] - p[k], 0.0, p[k] - hi[k]});
    d += e * e;
  }
  return d;
}

// Thin triangles (corners nearly collinear), where the region tests below lose precision: the nearest of
// the three edges' closest points and, when it falls inside the triangle, the projection onto its plane.
Vec3 closest_point_on_thin_triangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c, const Vec3& n,
                                    double nn) {
  const Vec3* corners[3] = {&a, &b, &c};
  Vec3 best;
  double best_d = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 3; ++k) {
    const Vec3 &u = *corners[k], &v = *corners[(k + 1) % 3];
    const Vec3 uv = v - u;
    const double l = length_squared(uv);
    const Vec3 q = l > 0.0 ? u + uv * std::clamp(dot(p - u, uv) / l, 0.0, 1.0) : u;
    const double d = length_squared(p - q);
    if (d < best_d) {
      best_d = d;
      best = q;
    }
  }
  if (nn > 0.0) {
    const Vec3 q = p - n * (dot(p - a, n) / nn);
    const bool inside = dot(cross(b - a, q - a), n) >= 0.0 && dot(cross(c - b, q - b), n) >= 0.0 &&
                        dot(cross(a - c, q - c), n) >= 0.0;
    if (inside && length_squared(p - q) < best_d) best = q;
  }
  return best;
}

}  // namespace

// The closest point lies in one of seven Voronoi regions of the triangle: a corner, an edge or the face.
// With ab = b - a, ac = c - a and the dot products of ab and ac with p minus each corner, each region's
// test is a sign condition on those products (or on barycentric numerators built from them); the face
// case returns the barycentric projection. The numerators' rounding error grows like 1 / sin^2 of the
// triangle's smallest angle, so triangles with sin^2 below 1e-4 take the slower thin-triangle path.
Vec3 closest_point_on_triangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c) {
  const Vec3 ab = b - a, ac = c - a, ap = p - a;
  const Vec3 n = cross(ab, ac);
  const double nn = length_squared(n);
  const double longest = std::max({length_squared(ab), length_squared(ac), length_squared(c - b)});
  if (!(nn > 1e-4 * longest * longest)) return closest_point_on_thin_triangle(p, a, b, c, n, nn);
  const double d1 = dot(ab, ap), d2 = dot(ac, ap);
  if (d1 <= 0.0 && d2 <= 0.0) return a;
  const Vec3 bp = p - b;
  const double d3 = dot(ab, bp), d4 = dot(ac, bp);
  if (d3 >= 0.0 && d4 <= d3) return b;
  const double vc = d1 * d4 - d3 * d2;  // barycentric numerator of c: p projects outside edge ab
  if (vc <= 0.0 && d1 >= 0.0 && d3 <= 0.0) return a + ab * (d1 / (d1 - d3));
  const Vec3 cp = p - c;
  const double d5 = dot(ab, cp), d6 = dot(ac, cp);
  if (d6 >= 0.0 && d5 <= d6) return c;
  const double vb = d5 * d2 - d1 * d6;  // barycentric numerator of b: outside edge ac
  if (vb <= 0.0 && d2 >= 0.0 && d6 <= 0.0) return a + ac * (d2 / (d2 - d6));
  const double va = d3 * d6 - d5 * d4;  // barycentric numerator of a: outside edge bc
  if (va <= 0.0 && d4 - d3 >= 0.0 && d5 - d6 >= 0.0)
    return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
  const double sum = va + vb + vc;
  return a + ab * (vb / sum) + ac * (vc / sum);
}

TriangleBvh::TriangleBvh(const Mesh& mesh) {
  NF_ASSERT(!mesh.triangles.empty(), "a BVH needs at least one triangle");
  const uint32_t n = uint32_t(mesh.triangles.size());
  std::vector<Vec3> centroids(n);
  for (uint32_t t = 0; t < n; ++t) {
    const auto& tri = mesh.triangles[t];
    centroids[t] = (mesh.vertices[tri[0]] + mesh.vertices[tri[1]] + mesh.vertices[tri[2]]) / 3.0;
  }
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0u);
  corners_.reserve(size_t(n) * 3);
  for (uint32_t t = 0; t < n; ++t)  // temporary: build() reads corners by mesh index, then they are permuted
    for (int k = 0; k < 3; ++k) corners_.push_back(mesh.vertices[mesh.triangles[t][k]]);
  nodes_.reserve(2 * (n / kLeafSize + 1));
  build(0, n, centroids);
  std::vector<Vec3> permuted(corners_.size());
  for (uint32_t s = 0; s < n; ++s)
    for (int k = 0; k < 3; ++k) permuted[3 * s + k] = corners_[3 * order_[s] + k];
  corners_ = std::move(permuted);
}

uint32_t TriangleBvh::build(uint32_t first, uint32_t count, std::vector<Vec3>& centroids) {
  const uint32_t index = uint32_t(nodes_.size());
  nodes_.emplace_back();
  Vec3 lo = corners_[3 * order_[first]], hi = lo, clo = centroids[order_[first]], chi = clo;
  for (uint32_t s = first; s < first + count; ++s) {
    for (int k = 0; k < 3; ++k) {
      lo = min(lo, corners_[3 * order_[s] + k]);
      hi = max(hi, corners_[3 * order_[s] + k]);
    }
    clo = min(clo, centroids[order_[s]]);
    chi = max(chi, centroids[order_[s]]);
  }
  nodes_[index].lo = lo;
  nodes_[index].hi = hi;
  nodes_[index].first = first;
  nodes_[index].count = count;
  const Vec3 extent = chi - clo;
  if (count <= kLeafSize || std::max({extent.x, extent.y, extent.z}) == 0.0) return index;
  const int axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2);
  const uint32_t half = count / 2;
  // Ties broken by triangle index, so that the tree does not depend on the standard library's nth_element.
  std::nth_element(order_.begin() + first, order_.begin() + first + half, order_.begin() + first + count,
                   [&](uint32_t a, uint32_t b) {
                     const double ca = centroids[a][axis], cb = centroids[b][axis];
                     return ca < cb || (ca == cb && a < b);
                   });
  build(first, half, centroids);
  const uint32_t second = build(first + half, count - half, centroids);
  nodes_[index].second = second;
  return index;
}

ClosestPoint TriangleBvh::closest(const Vec3& p) const {
  double best = std::numeric_limits<double>::infinity();
  ClosestPoint result;
  uint32_t stack[64];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const BvhNode& node = nodes_[stack[--top]];
    if (node.leaf()) {
      for (uint32_t s = node.first; s < node.first + node.count; ++s) {
        const Vec3 q =
            closest_point_on_triangle(p, corners_[3 * s], corners_[3 * s + 1], corners_[3 * s + 2]);
        const double d = length_squared(q - p);
        if (d < best) {
          best = d;
          result.point = q;
          result.triangle = order_[s];
        }
      }
      continue;
    }
    // Visit the nearer child first (pushed last); skip children farther than the best so far.
    uint32_t a = uint32_t(&node - nodes_.data()) + 1, b = node.second;
    double da = box_distance_squared(p, nodes_[a].lo, nodes_[a].hi);
    double db = box_distance_squared(p, nodes_[b].lo, nodes_[b].hi);
    if (da > db) {
      std::swap(a, b);
      std::swap(da, db);
    }
    if (db < best) stack[top++] = b;
    if (da < best) stack[top++] = a;
  }
  result.distance = std::sqrt(best);
  return result;
}

}  // namespace nf::data
