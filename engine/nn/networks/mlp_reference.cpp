// Slow, obvious double-precision MLP with optional CAM modulation (reference next to the fast kernels).
#include <array>
#include <cmath>
#include <map>

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

// The forward pass of one sample of an unmodulated MLP (the tangent references).
struct Trace {
  std::vector<std::vector<double>> a;  // a[0] = input, a[l + 1] = output of layer l (after activation)
  std::vector<std::vector<double>> u;  // pre-activation of each layer
};

Trace trace(const MlpReferenceParams& p, const double* x) {
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
    const Activation a = l < c.hidden_layers ? c.activation : c.output_activation;
    std::vector<double> next(out);
    for (uint32_t j = 0; j < out; ++j) next[j] = act(a, z[j], c.omega(l));
    t.u.push_back(z);
    t.a.push_back(next);
  }
  return t;
}

// The forward pass over a whole batch, layer by layer (the groups couple samples): per layer the input
// activations (n x in), pre-activations u (n x out), the normalised z of modulated layers and their 1 / std.
struct BatchTrace {
  std::vector<std::vector<double>> a, u, nz, rstd;
};

// Sample s's group, or -1 (normalised alone).
int64_t group_of(std::span<const int64_t> group, size_t s) { return group.empty() ? -1 : group[s]; }

BatchTrace batch_trace(const MlpReferenceParams& p, std::span<const double> x, std::span<const double> mod,
                       std::span<const int64_t> group) {
  const auto& c = p.config;
  const size_t n = x.size() / p.in, md = 2 * c.modulated_layers();
  BatchTrace t;
  t.a.emplace_back(x.begin(), x.end());
  for (uint32_t l = 0; l < c.layers(); ++l) {
    const uint32_t in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
    std::vector<double> z(n * out);
    for (size_t s = 0; s < n; ++s)
      for (uint32_t j = 0; j < out; ++j) {
        double v = p.b[l][j];
        for (uint32_t i = 0; i < in; ++i) v += p.w[l][j * in + i] * t.a[l][s * in + i];
        z[s * out + j] = v;
      }
    std::vector<double> u = z, nz(n * out, 0.0), rstd(n, 0.0);
    if (c.is_modulated(l)) {
      // Statistics per sample, then per group over its samples x units (two passes each).
      std::map<int64_t, std::pair<double, double>> sums;  // group -> (sum, count)
      std::vector<double> mean(n), var(n, 0.0);
      for (size_t s = 0; s < n; ++s) {
        double m = 0;
        for (uint32_t j = 0; j < out; ++j) m += z[s * out + j];
        const int64_t g = group_of(group, s);
        if (g >= 0) sums[g].first += m, sums[g].second += out;
        mean[s] = m / out;
      }
      for (size_t s = 0; s < n; ++s)
        if (const int64_t g = group_of(group, s); g >= 0) mean[s] = sums[g].first / sums[g].second;
      std::map<int64_t, double> group_var;
      for (size_t s = 0; s < n; ++s) {
        double v = 0;
        for (uint32_t j = 0; j < out; ++j) v += (z[s * out + j] - mean[s]) * (z[s * out + j] - mean[s]);
        const int64_t g = group_of(group, s);
        if (g >= 0) group_var[g] += v;
        var[s] = v / out;
      }
      const uint32_t m = l - c.first_modulated();
      for (size_t s = 0; s < n; ++s) {
        const int64_t g = group_of(group, s);
        if (g >= 0) var[s] = group_var[g] / sums[g].second;
        rstd[s] = 1.0 / std::sqrt(var[s] + kNormEps);
        for (uint32_t j = 0; j < out; ++j) {
          nz[s * out + j] = (z[s * out + j] - mean[s]) * rstd[s];
          u[s * out + j] = mod[s * md + 2 * m] * nz[s * out + j] + mod[s * md + 2 * m + 1];
        }
      }
    }
    const Activation f = l < c.hidden_layers ? c.activation : c.output_activation;
    std::vector<double> next(n * out);
    for (size_t k = 0; k < next.size(); ++k) next[k] = act(f, u[k], c.omega(l));
    t.u.push_back(std::move(u));
    t.nz.push_back(std::move(nz));
    t.rstd.push_back(std::move(rstd));
    t.a.push_back(std::move(next));
  }
  return t;
}

}  // namespace

std::vector<double> mlp_reference_forward(const MlpReferenceParams& p, std::span<const double> x,
                                          std::span<const double> mod, std::span<const int64_t> group) {
  NF_ASSERT(mod.size() == (x.size() / p.in) * 2 * p.config.modulated_layers(), "reference: modulation size");
  NF_ASSERT(group.empty() || group.size() == x.size() / p.in, "reference: one group per sample");
  return batch_trace(p, x, mod, group).a.back();
}

MlpReferenceGrads mlp_reference_backward(const MlpReferenceParams& p, std::span<const double> x,
                                         std::span<const double> mod, std::span<const double> d_y,
                                         std::span<const int64_t> group) {
  const auto& c = p.config;
  const size_t n = x.size() / p.in, md = 2 * c.modulated_layers();
  NF_ASSERT(mod.size() == n * md, "reference: modulation size");
  const BatchTrace t = batch_trace(p, x, mod, group);
  MlpReferenceGrads g;
  g.d_mod.assign(n * md, 0.0);
  for (uint32_t l = 0; l < c.layers(); ++l) {
    g.w.emplace_back(p.w[l].size(), 0.0);
    g.b.emplace_back(p.b[l].size(), 0.0);
  }
  std::vector<double> da(d_y.begin(), d_y.end());
  for (int li = int(c.layers()) - 1; li >= 0; --li) {
    const uint32_t l = uint32_t(li), in = c.in_dims(l, p.in), out = c.out_dims(l, p.out);
    const Activation f = l < c.hidden_layers ? c.activation : c.output_activation;
    std::vector<double> dz(n * out);
    for (size_t k = 0; k < dz.size(); ++k) dz[k] = da[k] * act_derivative(f, t.u[l][k], c.omega(l));
    if (c.is_modulated(l)) {
      // u = gamma nz + beta; dz = rstd (dn - mean(dn) - nz mean(dn nz)), dn = gamma du, means over the
      // sample's units or its group's samples x units.
      const uint32_t m = l - c.first_modulated();
      std::vector<double> dn(n * out), s1(n, 0.0), s2(n, 0.0);
      std::map<int64_t, std::array<double, 3>> sums;  // group -> (sum dn, sum dn nz, count)
      for (size_t s = 0; s < n; ++s) {
        const double gamma = mod[s * md + 2 * m];
        for (uint32_t j = 0; j < out; ++j) {
          const size_t k = s * out + j;
          g.d_mod[s * md + 2 * m] += dz[k] * t.nz[l][k];
          g.d_mod[s * md + 2 * m + 1] += dz[k];
          dn[k] = gamma * dz[k];
          s1[s] += dn[k];
          s2[s] += dn[k] * t.nz[l][k];
        }
        if (const int64_t gr = group_of(group, s); gr >= 0) {
          auto& a = sums[gr];
          a[0] += s1[s], a[1] += s2[s], a[2] += out;
        }
      }
      for (size_t s = 0; s < n; ++s) {
        const int64_t gr = group_of(group, s);
        const double m1 = gr >= 0 ? sums[gr][0] / sums[gr][2] : s1[s] / out;
        const double m2 = gr >= 0 ? sums[gr][1] / sums[gr][2] : s2[s] / out;
        for (uint32_t j = 0; j < out; ++j) {
          const size_t k = s * out + j;
          dz[k] = t.rstd[l][s] * (dn[k] - m1 - t.nz[l][k] * m2);
        }
      }
    }
    std::vector<double> prev(n * in, 0.0);
    for (size_t s = 0; s < n; ++s)
      for (uint32_t j = 0; j < out; ++j) {
        const double d = dz[s * out + j];
        g.b[l][j] += d;
        for (uint32_t i = 0; i < in; ++i) {
          g.w[l][j * in + i] += d * t.a[l][s * in + i];
          prev[s * in + i] += p.w[l][j * in + i] * d;
        }
      }
    da = std::move(prev);
  }
  g.d_x = std::move(da);
  return g;
}

std::vector<double> mlp_reference_jvp(const MlpReferenceParams& p, std::span<const double> x,
                                      std::span<const double> x_dot) {
  const auto& c = p.config;
  NF_ASSERT(!c.modulated && c.output_activation == Activation::None, "the MLP tangent reference is unmodulated");
  const size_t n = x.size() / p.in;
  std::vector<double> y_dot(n * p.out);
  for (size_t i = 0; i < n; ++i) {
    const Trace t = trace(p, &x[i * p.in]);
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
    const Trace t = trace(p, &x[i * p.in]);
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
