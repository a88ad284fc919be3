#pragma once
// Generalized winding number of a triangle mesh (Jacobson, Kavan, Sorkine-Hornung 2013):
//   w(q) = (1 / 4 pi) * sum over triangles of the signed solid angle the triangle subtends at q.
// w = 1 inside and 0 outside a closed, outward-oriented mesh; for open meshes (holes) it varies smoothly
// and thresholding at 1/2 still separates inside from outside sensibly. Undefined exactly on the surface.
//
// FastWindingNumber is the hierarchical approximation of Barill, Dickson, Schmidt, Levin, Jacobson 2018
// ("Fast winding numbers for soups and clouds"). A triangle patch's solid angle at q is the integral over
// it of n(y) . g(y) dA with g(y) = (y - q) / |y - q|^3. Each BVH node keeps the Taylor moments of that
// integral about its area-weighted centroid c: N = sum of area-weighted normals (order 0, the dipole) and
// M = sum over its triangles of area * n (x) (centroid - c) (order 1, exact for flat triangles). A node whose
// triangles lie within radius r of c and which is far from q, |q - c| > beta * r, contributes
//   N . g(c) + sum_ij M_ij dg_i/dy_j(c),   dg/dy = I / d^3 - 3 (c - q)(c - q)^T / d^5,  d = |c - q|;
// nearer nodes are opened, and leaves are summed exactly. Relative error per node ~ (1 / beta)^2; measured at
// beta = 2 on spot, the open bunny and a sphere: mean |error| 0.007-0.013, worst 0.03-0.07.
#include <vector>

#include "core/vec3.hpp"
#include "data/mesh.hpp"
#include "data/triangle_bvh.hpp"

namespace nf::data {

// Signed solid angle of triangle (a, b, c) seen from q, in [-2 pi, 2 pi]; positive when the triangle is
// counter-clockwise seen from q (its normal points away from q). Van Oosterom & Strackee 1983.
double solid_angle(const Vec3& q, const Vec3& a, const Vec3& b, const Vec3& c);

// Exact O(triangles) winding number at q.
double winding_number_exact(const Mesh& mesh, const Vec3& q);

class FastWindingNumber {
 public:
  // Keeps a reference to bvh, which must outlive this object. beta: accuracy (larger = more exact and
  // slower; 2 is Barill et al.'s default).
  explicit FastWindingNumber(const TriangleBvh& bvh, double beta = 2.0);

  // Approximate winding number at q. Thread-safe.
  double operator()(const Vec3& q) const;

  double beta() const { return beta_; }

 private:
  struct Moments {
    Vec3 centre;       // area-weighted centroid of the node's triangles
    Vec3 normal;       // N: sum of area-weighted normals
    double m[3][3];    // M[i][j]: sum of area * n_i * (centroid - centre)_j
    double radius_sq;  // squared distance from centre to the farthest corner of the node's triangles
  };
  double fill(uint32_t node);  // fills the node's subtree, returns its area

  const TriangleBvh& bvh_;
  double beta_;
  std::vector<Moments> moments_;  // one per BVH node
};

}  // namespace nf::data
