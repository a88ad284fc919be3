// Slow, obvious double-precision MLP with optional CAM modulation (reference next to the fast kernels).
#include <cmath>

#include "core/error.hpp"
#include "nn/networks/mlp.hpp"

namespace nf::nn {
namespace {

constexpr double kNormEps = 1e-5;

double act(Activation a, double u, double omega) {
  switch (a) {
    case Activation::Relu: return u > 0 ? u : 0.0;
    case Activation::Sine: return std::sin(omega * u);
    case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-u));
    case Activation::None: return u;
  }
  return u;
}

double act_derivative(Activation a, double u, double omega) {
  switch (a) {
    case Activation::Relu: return u > 0 ? 1.0 : 0.0;
    case Activation::Sine: return omega * std::cos(omega * u);
    case Activation::Sigmoid: {
      const double s = 1.0 / (1.0 + std::exp(-u));
      return s * (1 - s);
    }
    case Activation::None: return 1.0;
  }
  return 1.0;
}

// Everything the forward pass computes for one sample.
struct Trace {
  std::vector<std::vector<double>> a;     // a[0] = input, a[l + 1] = output of layer l (after activation)
  std::vector<std::vector<double>> u;     // pre-activation of each layer
  std::vector<std::vector<double>> norm;  // LayerNorm(z) of hidden layers (modulated)
  std::vector<double> rstd;
};

Trace trace(const MlpReferenceParams& p, const double* x, const double* mod) {
  const auto& c = p.config;
  Trace t;
  t.a.emplace_back(x, x + p.in);
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const uint32_t in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
    std::vector<double> z(out);
    for (uint32_t j = 0; j < out; ++j) {
      double s = p.b[l][j];
      for (uint32_t i = 0; i < in; ++i) s += p.w[l][j * in + i] * t.a[l][i];
      z[j] = s;
    }
    const bool hidden = l < c.hidden_layers;
    std::vector<double> u = z, nz(out, 0.0);
    double rstd = 0;
    if (c.is_modulated(l)) {
      double mean = 0, var = 0;
      for (double v : z) mean += v;
      mean /= out;
      for (double v : z) var += (v - mean) * (v - mean);
      var /= out;
      rstd = 1.0 / std::sqrt(var + kNormEps);
      for (uint32_t j = 0; j < out; ++j) {
        nz[j] = (z[j] - mean) * rstd;
        const uint32_t m = l - c.first_modulated();
        u[j] = mod[2 * m] * nz[j] + mod[2 * m + 1];
      }
    }
    const Activation a = hidden ? c.activation : c.output_activation;
    std::vector<double> next(out);
    for (uint32_t j = 0; j < out; ++j) next[j] = act(a, u[j], c.omega(l));
    t.u.push_back(u);
    t.norm.push_back(nz);
    t.rstd.push_back(rstd);
    t.a.push_back(next);
  }
  return t;
}

}  // namespace

std::vector<double> mlp_reference_forward(const MlpReferenceParams& p, std::span<const double> x,
                                          std::span<const double> mod) {
  const size_t n = x.size() / p.in;
  const size_t md = 2 * p.config.modulated_layers();
  NF_ASSERT(mod.size() == n * md, "reference: modulation size");
  std::vector<double> y(n * p.out);
  for (size_t i = 0; i < n; ++i) {
    const auto t = trace(p, &x[i * p.in], md ? &mod[i * md] : nullptr);
    std::copy(t.a.back().begin(), t.a.back().end(), y.begin() + i * p.out);
  }
  return y;
}

MlpReferenceGrads mlp_reference_backward(const MlpReferenceParams& p, std::span<const double> x,
                                         std::span<const double> mod, std::span<const double> d_y) {
  const auto& c = p.config;
  const size_t n = x.size() / p.in, h = c.hidden_layers, md = 2 * c.modulated_layers();
  MlpReferenceGrads g;
  g.d_x.assign(n * p.in, 0.0);
  g.d_mod.assign(n * md, 0.0);
  for (uint32_t l = 0; l < c.layers(); ++l) {
    g.w.emplace_back(p.w[l].size(), 0.0);
    g.b.emplace_back(p.b[l].size(), 0.0);
  }
  for (size_t s = 0; s < n; ++s) {
    const double* m = md ? &mod[s * md] : nullptr;
    const auto t = trace(p, &x[s * p.in], m);
    std::vector<double> da(d_y.begin() + s * p.out, d_y.begin() + (s + 1) * p.out);
    for (int l = int(c.layers()) - 1; l >= 0; --l) {
      const uint32_t in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
      const bool hidden = uint32_t(l) < h;
      const Activation a = hidden ? c.activation : c.output_activation;
      std::vector<double> dz(out);
      for (uint32_t j = 0; j < out; ++j) dz[j] = da[j] * act_derivative(a, t.u[l][j], c.omega(l));
      if (c.is_modulated(l)) {
        // u = gamma * nz + beta, nz = LayerNorm(z).
        const uint32_t mi = l - c.first_modulated();
        double d_gamma = 0, d_beta = 0, mean_dn = 0, mean_dn_n = 0;
        std::vector<double> dn(out);
        for (uint32_t j = 0; j < out; ++j) {
          d_gamma += dz[j] * t.norm[l][j];
          d_beta += dz[j];
          dn[j] = m[2 * mi] * dz[j];
          mean_dn += dn[j];
          mean_dn_n += dn[j] * t.norm[l][j];
        }
        mean_dn /= out;
        mean_dn_n /= out;
        for (uint32_t j = 0; j < out; ++j) dz[j] = t.rstd[l] * (dn[j] - mean_dn - t.norm[l][j] * mean_dn_n);
        g.d_mod[s * md + 2 * mi] += d_gamma;
        g.d_mod[s * md + 2 * mi + 1] += d_beta;
      }
      std::vector<double> da_prev(in, 0.0);
      for (uint32_t j = 0; j < out; ++j) {
        g.b[l][j] += dz[j];
        for (uint32_t i = 0; i < in; ++i) {
          g.w[l][j * in + i] += dz[j] * t.a[l][i];
          da_prev[i] += p.w[l][j * in + i] * dz[j];
        }
      }
      da = da_prev;
    }
    std::copy(da.begin(), da.end(), g.d_x.begin() + s * p.in);
  }
  return g;
}

std::vector<double> mlp_reference_jvp(const MlpReferenceParams& p, std::span<const double> x,
                                      std::span<const double> x_dot) {
  const auto& c = p.config;
  NF_ASSERT(!c.modulated && c.output_activation == Activation::None, "the MLP tangent reference is unmodulated");
  const size_t n = x.size() / p.in;
  std::vector<double> y_dot(n * p.out);
  for (size_t i = 0; i < n; ++i) {
    const Trace t = trace(p, &x[i * p.in], nullptr);
    std::vector<double> a(&x_dot[i * p.in], &x_dot[i * p.in] + p.in);
    for (uint32_t l = 0; l < c.layers(); ++l) {
      const uint32_t in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
      const Activation f = l < c.hidden_layers ? c.activation : c.output_activation;
      std::vector<double> next(out, 0.0);
      for (uint32_t j = 0; j < out; ++j) {
        for (uint32_t k = 0; k < in; ++k) next[j] += p.w[l][j * in + k] * a[k];
        next[j] *= act_derivative(f, t.u[l][j], c.omega(l));
      }
      a = std::move(next);
    }
    for (uint32_t o = 0; o < p.out; ++o) y_dot[i * p.out + o] = a[o];
  }
  return y_dot;
}

// The tangent is linear in x_dot with the forward pass's activation derivatives as fixed masks; its
// gradient is the ordinary backward pass on the tangent activations, without bias terms. d_x stays 0
// (ReLU's second derivative vanishes almost everywhere).
MlpReferenceGrads mlp_reference_jvp_backward(const MlpReferenceParams& p, std::span<const double> x,
                                             std::span<const double> x_dot, std::span<const double> d_y_dot) {
  const auto& c = p.config;
  NF_ASSERT(!c.modulated && c.output_activation == Activation::None, "the MLP tangent reference is unmodulated");
  NF_ASSERT(c.activation == Activation::Relu || c.activation == Activation::None, "ReLU MLPs only");
  const size_t n = x.size() / p.in;
  MlpReferenceGrads g;
  g.d_x.assign(x.size(), 0.0);
  for (uint32_t l = 0; l < c.layers(); ++l) {
    g.w.emplace_back(p.w[l].size(), 0.0);
    g.b.emplace_back(p.b[l].size(), 0.0);
  }
  for (size_t i = 0; i < n; ++i) {
    const Trace t = trace(p, &x[i * p.in], nullptr);
    std::vector<std::vector<double>> a = {std::vector<double>(&x_dot[i * p.in], &x_dot[i * p.in] + p.in)};
    std::vector<std::vector<double>> mask;
    for (uint32_t l = 0; l < c.layers(); ++l) {
      const uint32_t in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
      const Activation f = l < c.hidden_layers ? c.activation : c.output_activation;
      std::vector<double> next(out, 0.0), m(out);
      for (uint32_t j = 0; j < out; ++j) {
        for (uint32_t k = 0; k < in; ++k) next[j] += p.w[l][j * in + k] * a[l][k];
        m[j] = act_derivative(f, t.u[l][j], c.omega(l));
        next[j] *= m[j];
      }
      a.push_back(std::move(next));
      mask.push_back(std::move(m));
    }
    std::vector<double> da(&d_y_dot[i * p.out], &d_y_dot[i * p.out] + p.out);
    for (int li = int(c.hidden_layers); li >= 0; --li) {
      const uint32_t l = uint32_t(li), in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
      std::vector<double> prev(in, 0.0);
      for (uint32_t j = 0; j < out; ++j) {
        const double dz = da[j] * mask[l][j];
        for (uint32_t k = 0; k < in; ++k) {
          g.w[l][j * in + k] += dz * a[l][k];
          prev[k] += p.w[l][j * in + k] * dz;
        }
      }
      da = std::move(prev);
    }
  }
  return g;
}

}  // namespace nf::nn
