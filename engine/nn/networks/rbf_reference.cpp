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

namespace {

// Gradients of n samples' features and of every parameter, all 0.
RbfReferenceGrads zero_grads(const RbfReferenceParams& p, size_t n) {
  return {std::vector<double>(n * p.d, 0.0), std::vector<double>(p.mu.size(), 0.0),
          std::vector<double>(p.rho.size(), 0.0), std::vector<double>(p.w.size(), 0.0),
          std::vector<double>(p.b.size(), 0.0)};
}

}  // namespace

RbfReferenceGrads rbf_reference_backward(const RbfReferenceParams& p, std::span<const double> f,
                                         std::span<const double> d_y) {
  const size_t n = f.size() / p.d;
  RbfReferenceGrads g = zero_grads(p, n);
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

namespace {

// s_k = -sum_d beta_kd (f_d - mu_kd) f_dot_d for one sample.
std::vector<double> tangent_scales(const RbfReferenceParams& p, const double* f, const double* f_dot) {
  std::vector<double> s(p.k, 0.0);
  for (uint32_t k = 0; k < p.k; ++k)
    for (uint32_t d = 0; d < p.d; ++d)
      s[k] -= std::exp(p.rho[k * p.d + d]) * (f[d] - p.mu[k * p.d + d]) * f_dot[d];
  return s;
}

}  // namespace

std::vector<double> rbf_reference_jvp(const RbfReferenceParams& p, std::span<const double> f,
                                      std::span<const double> f_dot) {
  const size_t n = f.size() / p.d;
  std::vector<double> y_dot(n * p.o, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const auto phi = phis(p, &f[i * p.d]);
    const auto s = tangent_scales(p, &f[i * p.d], &f_dot[i * p.d]);
    for (uint32_t o = 0; o < p.o; ++o)
      for (uint32_t k = 0; k < p.k; ++k) y_dot[i * p.o + o] += p.w[o * p.k + k] * phi[k] * s[k];
  }
  return y_dot;
}

// y_dot_o = sum_k W_ok phi_k s_k; differentiated by hand (the chain rule through phi_k and s_k):
//   d/dW_ok = phi_k s_k;  with A_k = sum_o c_o W_ok, g_k = A_k phi_k, diff = f_d - mu_kd:
//   d/dmu_kd = g_k beta (diff s_k + f_dot_d);   d/drho_kd = -g_k beta (diff^2 s_k / 2 + diff f_dot_d);
//   d/df_d = -sum_k g_k beta (diff s_k + f_dot_d).
RbfReferenceGrads rbf_reference_jvp_backward(const RbfReferenceParams& p, std::span<const double> f,
                                             std::span<const double> f_dot, std::span<const double> d_y_dot) {
  const size_t n = f.size() / p.d;
  RbfReferenceGrads g = zero_grads(p, n);
  for (size_t i = 0; i < n; ++i) {
    const double *fi = &f[i * p.d], *ti = &f_dot[i * p.d], *c = &d_y_dot[i * p.o];
    const auto phi = phis(p, fi);
    const auto s = tangent_scales(p, fi, ti);
    for (uint32_t k = 0; k < p.k; ++k) {
      double a = 0;
      for (uint32_t o = 0; o < p.o; ++o) {
        a += c[o] * p.w[o * p.k + k];
        g.w[o * p.k + k] += c[o] * phi[k] * s[k];
      }
      const double gk = a * phi[k];
      for (uint32_t d = 0; d < p.d; ++d) {
        const size_t j = k * p.d + d;
        const double beta = std::exp(p.rho[j]), diff = fi[d] - p.mu[j];
        g.mu[j] += gk * beta * (diff * s[k] + ti[d]);
        g.rho[j] -= gk * beta * (0.5 * diff * diff * s[k] + diff * ti[d]);
        g.d_f[i * p.d + d] -= gk * beta * (diff * s[k] + ti[d]);
      }
    }
  }
  return g;
}

}  // namespace nf::nn
