// Slow, obvious double-precision Gaussian RBF layer (reference next to the fast kernels).
#include <cmath>

#include "nn/networks/rbf.hpp"

namespace nf::nn {
namespace {

// phi[k] for one sample.
std::vector<double> phis(const RbfReferenceParams& p, const double* f) {
  std::vector<double> phi(p.k);
  for (uint32_t k = 0; k < p.k; ++k) {
    double z = 0;
    for (uint32_t d = 0; d < p.d; ++d) {
      const double diff = f[d] - p.mu[k * p.d + d];
      z += std::exp(p.rho[k * p.d + d]) * diff * diff;
    }
    phi[k] = std::exp(-0.5 * z);
  }
  return phi;
}

}  // namespace

std::vector<double> rbf_reference_forward(const RbfReferenceParams& p, std::span<const double> f) {
  const size_t n = f.size() / p.d;
  std::vector<double> y(n * p.o);
  for (size_t i = 0; i < n; ++i) {
    const auto phi = phis(p, &f[i * p.d]);
    for (uint32_t o = 0; o < p.o; ++o) {
      double v = p.b[o];
      for (uint32_t k = 0; k < p.k; ++k) v += p.w[o * p.k + k] * phi[k];
      y[i * p.o + o] = v;
    }
  }
  return y;
}

RbfReferenceGrads rbf_reference_backward(const RbfReferenceParams& p, std::span<const double> f,
                                         std::span<const double> d_y) {
  const size_t n = f.size() / p.d;
  RbfReferenceGrads g;
  g.d_f.assign(n * p.d, 0.0);
  g.mu.assign(p.mu.size(), 0.0);
  g.rho.assign(p.rho.size(), 0.0);
  g.w.assign(p.w.size(), 0.0);
  g.b.assign(p.b.size(), 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double* fi = &f[i * p.d];
    const double* dy = &d_y[i * p.o];
    const auto phi = phis(p, fi);
    for (uint32_t o = 0; o < p.o; ++o) {
      g.b[o] += dy[o];
      for (uint32_t k = 0; k < p.k; ++k) g.w[o * p.k + k] += dy[o] * phi[k];
    }
    for (uint32_t k = 0; k < p.k; ++k) {
      double dphi = 0;
      for (uint32_t o = 0; o < p.o; ++o) dphi += p.w[o * p.k + k] * dy[o];
      const double dz = -0.5 * phi[k] * dphi;  // dL/dz_k
      for (uint32_t d = 0; d < p.d; ++d) {
        const size_t j = k * p.d + d;
        const double beta = std::exp(p.rho[j]), diff = fi[d] - p.mu[j];
        g.d_f[i * p.d + d] += dz * 2.0 * beta * diff;
        g.mu[j] += dz * -2.0 * beta * diff;
        g.rho[j] += dz * beta * diff * diff;  // dz/drho = beta diff^2
      }
    }
  }
  return g;
}

}  // namespace nf::nn
