#include "data/winding_number.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace nf::data {

double solid_angle(const Vec3& q, const Vec3& a, const Vec3& b, const Vec3& c) {
  const Vec3 x = a - q, y = b - q, z = c - q;
  const double lx = length(x), ly = length(y), lz = length(z);
  const double numerator = dot(x, cross(y, z));
  const double denominator = lx * ly * lz + dot(x, y) * lz + dot(y, z) * lx + dot(z, x) * ly;
  return 2.0 * std::atan2(numerator, denominator);
}

double winding_number_exact(const Mesh& mesh, const Vec3& q) {
  double sum = 0.0;
  for (const auto& t : mesh.triangles)
    sum += solid_angle(q, mesh.vertices[t[0]], mesh.vertices[t[1]], mesh.vertices[t[2]]);
  return sum / (4.0 * std::numbers::pi);
}

FastWindingNumber::FastWindingNumber(const TriangleBvh& bvh, double beta) : bvh_(bvh), beta_(beta) {
  NF_ASSERT(beta > 0.0 && std::isfinite(beta), "winding-number accuracy beta must be positive, got ", beta);
  moments_.resize(bvh.nodes().size());
  fill(0);
}

double FastWindingNumber::fill(uint32_t index) {
  const BvhNode& node = bvh_.nodes()[index];
  Moments& m = moments_[index];
  m = Moments{};
  double area = 0.0;
  const auto& c = bvh_.corners();
  const auto normal = [&](uint32_t s) {
    return cross(c[3 * s + 1] - c[3 * s], c[3 * s + 2] - c[3 * s]) * 0.5;
  };
  const auto centroid = [&](uint32_t s) { return (c[3 * s] + c[3 * s + 1] + c[3 * s + 2]) / 3.0; };
  const uint32_t children[2] = {index + 1, node.second};
  if (node.leaf()) {
    for (uint32_t s = node.first; s < node.first + node.count; ++s) {
      const Vec3 n = normal(s);
      const double a = length(n);
      m.normal += n;
      m.centre += centroid(s) * a;
      area += a;
    }
  } else {
    for (const uint32_t child : children) {
      const double a = fill(child);
      m.normal += moments_[child].normal;
      m.centre += moments_[child].centre * a;
      area += a;
    }
  }
  m.centre = area > 0.0 ? m.centre / area : (node.lo + node.hi) * 0.5;
  // First moments about this node's centre: directly from the triangles, or shifted from the children's.
  const auto add = [&](const Vec3& n, const Vec3& offset) {
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) m.m[i][j] += n[i] * offset[j];
  };
  if (node.leaf()) {
    for (uint32_t s = node.first; s < node.first + node.count; ++s) add(normal(s), centroid(s) - m.centre);
  } else {
    for (const uint32_t child : children) {
      const Moments& k = moments_[child];
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) m.m[i][j] += k.m[i][j];
      add(k.normal, k.centre - m.centre);
    }
  }
  // Radius: the farthest triangle corner of the node from its centre.
  m.radius_sq = 0.0;
  for (uint32_t s = 3 * node.first; s < 3 * (node.first + node.count); ++s)
    m.radius_sq = std::max(m.radius_sq, length_squared(c[s] - m.centre));
  return area;
}

double FastWindingNumber::operator()(const Vec3& q) const {
  const auto& nodes = bvh_.nodes();
  const auto& c = bvh_.corners();
  const double beta_sq = beta_ * beta_;
  double sum = 0.0;  // sum of solid angles
  uint32_t stack[64];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const uint32_t index = stack[--top];
    const Moments& m = moments_[index];
    const Vec3 r = m.centre - q;
    const double d_sq = length_squared(r);
    if (d_sq > beta_sq * m.radius_sq) {
      const double inv3 = 1.0 / (d_sq * std::sqrt(d_sq));
      double trace = 0.0, rmr = 0.0;
      for (int i = 0; i < 3; ++i) {
        trace += m.m[i][i];
        for (int j = 0; j < 3; ++j) rmr += r[i] * m.m[i][j] * r[j];
      }
      sum += (dot(m.normal, r) + trace - 3.0 * rmr / d_sq) * inv3;
      continue;
    }
    const BvhNode& node = nodes[index];
    if (node.leaf()) {
      for (uint32_t s = node.first; s < node.first + node.count; ++s)
        sum += solid_angle(q, c[3 * s], c[3 * s + 1], c[3 * s + 2]);
    } else {
      stack[top++] = node.second;
      stack[top++] = index + 1;
    }
  }
  return sum / (4.0 * std::numbers::pi);
}

}  // namespace nf::data
