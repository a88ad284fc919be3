#include "nn/networks/mlp.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "module_harness.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::nn {
namespace {

using test::GpuTest;

std::vector<double> random_vec(size_t n, Pcg32& rng, double lo, double hi) {
  std::vector<double> v(n);
  for (auto& x : v) x = float(rng.uniform(lo, hi));
  return v;
}

struct Case {
  const char* name;
  uint32_t in, out, width, hidden;
  Activation act, out_act;
  bool modulated;
};

// One MLP on the GPU (the given path) against the double-precision reference: outputs, dL/dx, every
// weight and bias gradient and, when modulated, dL/d(gamma, beta).
void check(gpu::Context& ctx, const Case& c, const std::string& path, uint64_t seed) {
  MlpConfig cfg;
  cfg.width = c.width;
  cfg.hidden_layers = c.hidden;
  cfg.activation = c.act;
  cfg.output_activation = c.out_act;
  cfg.first_omega = 3.0;  // moderate omegas keep sine layers in float-friendly ranges
  cfg.hidden_omega = 2.0;
  cfg.modulated = c.modulated;
  cfg.modulation = c.modulated ? json{{"type", "cam"}} : json(nullptr);
  cfg.path = path;
  Mlp mlp(ctx, c.in, c.out, cfg);
  ASSERT_EQ(mlp.fused(), path == "fused");
  test::ModuleHarness h(ctx, mlp);
  Pcg32 rng(seed);
  MlpReferenceParams p{cfg, c.in, c.out, {}, {}};
  std::vector<std::vector<double>> blocks;
  for (uint32_t l = 0; l < cfg.layers(); ++l) {
    const double bound = 1.0 / std::sqrt(double(cfg.in_dims(l, c.in)));
    p.w.push_back(random_vec(cfg.in_dims(l, c.in) * cfg.out_dims(l, c.out), rng, -bound, bound));
    p.b.push_back(random_vec(cfg.out_dims(l, c.out), rng, -0.3, 0.3));
    blocks.push_back(p.w.back());
    blocks.push_back(p.b.back());
  }
  h.set_parameters(blocks);
  const uint32_t n = 203;  // not a multiple of 4: partial quads
  const auto x = random_vec(n * c.in, rng, -1, 1);
  std::vector<double> mod;
  if (c.modulated) {
    for (uint32_t i = 0; i < n * mlp.modulation_dims(); ++i) mod.push_back(float(i % 2 == 0 ? rng.uniform(0.5, 1.5) : rng.uniform(-0.3, 0.3)));
    h.set_modulation(mod);
  }
  NF_EXPECT_REL_ERROR(h.forward(x), mlp_reference_forward(p, x, mod), 1e-5) << c.name << " " << path;
  const auto d_y = random_vec(n * c.out, rng, -1, 1);
  const auto d_x = h.backward(x, d_y, true);
  const auto ref = mlp_reference_backward(p, x, mod, d_y);
  NF_EXPECT_REL_ERROR(d_x, ref.d_x, 1e-4) << c.name << " " << path;
  const auto g = h.gradients();
  for (uint32_t l = 0; l < cfg.layers(); ++l) {
    NF_EXPECT_REL_ERROR(g[2 * l], ref.w[l], 1e-4) << c.name << " " << path << " layer " << l;
    NF_EXPECT_REL_ERROR(g[2 * l + 1], ref.b[l], 1e-4) << c.name << " " << path << " layer " << l;
  }
  if (c.modulated) {
    NF_EXPECT_REL_ERROR(h.modulation_gradients(), ref.d_mod, 1e-4) << c.name << " " << path;
  }
  NF_EXPECT_REL_ERROR(h.backward_input(x, d_y), ref.d_x, 1e-4) << c.name << " " << path << " input only";
  EXPECT_EQ(h.max_abs_gradient(), 0.0) << c.name << " " << path;
  if (c.modulated) {
    NF_EXPECT_REL_ERROR(h.modulation_gradients(), ref.d_mod, 1e-4) << c.name << " " << path << " input only";
  }
}

const Case kCases[] = {
    {"relu", 7, 3, 16, 2, Activation::Relu, Activation::None, false},
    {"relu+sigmoid+cam", 12, 3, 24, 3, Activation::Relu, Activation::Sigmoid, true},
    {"sine", 2, 1, 20, 2, Activation::Sine, Activation::None, false},
    {"sine+cam", 5, 2, 16, 2, Activation::Sine, Activation::None, true},
    {"widest fused", 128, 3, 128, 2, Activation::Relu, Activation::None, true},
    {"cam, one output", 12, 1, 24, 3, Activation::Relu, Activation::Sigmoid, true},
    {"relu+sigmoid (a radiance colour network)", 21, 3, 16, 2, Activation::Relu, Activation::Sigmoid, false},
    {"relu, one hidden layer (a radiance density network)", 32, 5, 64, 1, Activation::Relu, Activation::None, false},
    {"relu, one hidden layer, narrow", 8, 5, 16, 1, Activation::Relu, Activation::None, false},
};

TEST_F(GpuTest, MlpPerLayerPathMatchesReference) {
  uint64_t seed = 1;
  for (const auto& c : kCases) check(ctx(), c, "layers", seed++);
}

TEST_F(GpuTest, MlpFusedPathMatchesReference) {
  uint64_t seed = 1;
  for (const auto& c : kCases) check(ctx(), c, "fused", seed++);
}

TEST(MlpPortableAtomics, WeightGradientsMatchReference) {
  gpu::Context& ctx = test::portable_atomics_context();
  check(ctx, kCases[1], "layers", 9);
}

// The tangent of a ReLU MLP (the eikonal term's network pass) against the reference, on both paths; and
// the reference's tangent against differences of its forward, its tangent gradient against differences
// of its tangent.
// normalization "ray" (CAM's radiance variant): modulated layers normalised over groups of consecutive samples
// (a ray's), against the batch reference: groups of 1 to 9 samples, runs of samples of no group (normalised
// alone), an empty group; outputs, dL/dx, every weight, bias and modulation gradient.
TEST_F(GpuTest, MlpRayNormalisationMatchesReference) {
  MlpConfig cfg;
  cfg.width = 24;
  cfg.hidden_layers = 2;
  cfg.output_activation = Activation::Sigmoid;
  cfg.modulated = true;
  cfg.modulation = json{{"type", "cam"}};
  cfg.ray_norm = true;
  Mlp mlp(ctx(), 21, 3, cfg);
  test::ModuleHarness h(ctx(), mlp);
  Pcg32 rng(31);
  MlpReferenceParams p{cfg, 21, 3, {}, {}};
  std::vector<std::vector<double>> blocks;
  for (uint32_t l = 0; l < cfg.layers(); ++l) {
    const double bound = 1.0 / std::sqrt(double(cfg.in_dims(l, 21)));
    p.w.push_back(random_vec(cfg.in_dims(l, 21) * cfg.out_dims(l, 3), rng, -bound, bound));
    p.b.push_back(random_vec(cfg.out_dims(l, 3), rng, -0.3, 0.3));
    blocks.push_back(p.w.back());
    blocks.push_back(p.b.back());
  }
  h.set_parameters(blocks);
  const uint32_t n = 203;
  std::vector<uint32_t> first, count, group_of(n, ~0u);
  std::vector<int64_t> group(n, -1);
  for (uint32_t s = 0; s < n;) {
    const uint32_t size = std::min<uint32_t>(1 + rng.next_u32() % 9, n - s);
    if (rng.next_u32() % 6 != 0) {  // a group; else these samples stay alone
      for (uint32_t k = s; k < s + size; ++k) group_of[k] = uint32_t(first.size()), group[k] = int64_t(first.size());
      first.push_back(s);
      count.push_back(size);
    }
    s += size;
    if (first.size() == 3) first.push_back(0), count.push_back(0x80000000u);  // an empty (dropped) group
  }
  const auto groups = uint32_t(first.size()), stride = (groups + 3) / 4 * 4;
  std::vector<uint32_t> info(2 * stride, 0);
  std::copy(first.begin(), first.end(), info.begin());
  std::copy(count.begin(), count.end(), info.begin() + stride);
  gpu::Buffer info_b(ctx(), info.size() * 4, "groups"), of_b(ctx(), uint64_t(n) * 4, "group of");
  info_b.upload(std::span<const uint32_t>(info));
  of_b.upload(std::span<const uint32_t>(group_of));
  mlp.set_segments({&info_b, stride, groups, &of_b});
  const auto x = random_vec(n * 21, rng, -1, 1);
  std::vector<double> mod;
  for (uint32_t i = 0; i < n * mlp.modulation_dims(); ++i) mod.push_back(float(i % 2 == 0 ? rng.uniform(0.5, 1.5) : rng.uniform(-0.3, 0.3)));
  h.set_modulation(mod);
  NF_EXPECT_REL_ERROR(h.forward(x), mlp_reference_forward(p, x, mod, group), 1e-5);
  const auto d_y = random_vec(n * 3, rng, -1, 1);
  const auto d_x = h.backward(x, d_y, true);
  const auto ref = mlp_reference_backward(p, x, mod, d_y, group);
  NF_EXPECT_REL_ERROR(d_x, ref.d_x, 1e-4);
  const auto g = h.gradients();
  for (uint32_t l = 0; l < cfg.layers(); ++l) {
    NF_EXPECT_REL_ERROR(g[2 * l], ref.w[l], 1e-4) << "layer " << l;
    NF_EXPECT_REL_ERROR(g[2 * l + 1], ref.b[l], 1e-4) << "layer " << l;
  }
  NF_EXPECT_REL_ERROR(h.modulation_gradients(), ref.d_mod, 1e-4);
  // The grouping matters: the per-sample reference differs.
  EXPECT_GT(test::relative_error(std::span<const double>(ref.d_x),
                                 std::span<const double>(mlp_reference_backward(p, x, mod, d_y).d_x)), 1e-2);
}

TEST_F(GpuTest, MlpTangentMatchesReference) {
  for (const std::string path : {"layers", "fused"}) {
    MlpConfig cfg;
    cfg.width = 16;
    cfg.hidden_layers = 2;
    cfg.path = path;
    Mlp mlp(ctx(), 6, 1, cfg);
    ASSERT_EQ(mlp.jvp_unsupported(), nullptr);
    test::ModuleHarness h(ctx(), mlp);
    Pcg32 rng(61);
    MlpReferenceParams p{cfg, 6, 1, {}, {}};
    std::vector<std::vector<double>> blocks;
    for (uint32_t l = 0; l < cfg.layers(); ++l) {
      p.w.push_back(random_vec(cfg.in_dims(l, 6) * cfg.out_dims(l, 1), rng, -0.6, 0.6));
      p.b.push_back(random_vec(cfg.out_dims(l, 1), rng, -0.3, 0.3));
      blocks.push_back(p.w.back());
      blocks.push_back(p.b.back());
    }
    h.set_parameters(blocks);
    const uint32_t n = 203;
    const auto x = random_vec(n * 6, rng, -1, 1), x_dot = random_vec(n * 6, rng, -1, 1);
    const auto d_y_dot = random_vec(n, rng, -1, 1);
    NF_EXPECT_REL_ERROR(h.jvp(x, x_dot), mlp_reference_jvp(p, x, x_dot), 1e-5) << path;
    EXPECT_TRUE(h.jvp_backward(x, x_dot, d_y_dot, true).empty()) << "ReLU: no dL/dx";
    const auto ref = mlp_reference_jvp_backward(p, x, x_dot, d_y_dot);
    const auto g = h.gradients();
    for (uint32_t l = 0; l < cfg.layers(); ++l) {
      NF_EXPECT_REL_ERROR(g[2 * l], ref.w[l], 1e-4) << path << " layer " << l;
      for (double v : g[2 * l + 1]) EXPECT_EQ(v, 0.0) << "no bias in the tangent";
    }
  }
}

TEST(MlpReference, TangentMatchesFiniteDifferences) {
  MlpConfig cfg;
  cfg.width = 5;
  cfg.hidden_layers = 2;
  Pcg32 rng(62);
  MlpReferenceParams p{cfg, 3, 1, {}, {}};
  for (uint32_t l = 0; l < cfg.layers(); ++l) {
    p.w.push_back(random_vec(cfg.in_dims(l, 3) * cfg.out_dims(l, 1), rng, -1, 1));
    p.b.push_back(random_vec(cfg.out_dims(l, 1), rng, -0.3, 0.3));
  }
  const auto x = random_vec(3 * 10, rng, -1, 1), x_dot = random_vec(3 * 10, rng, -1, 1);
  const auto d_y_dot = random_vec(10, rng, -1, 1);
  const auto y_dot = mlp_reference_jvp(p, x, x_dot);
  auto shifted = [&](double e) {
    std::vector<double> v = x;
    for (size_t i = 0; i < v.size(); ++i) v[i] += e * x_dot[i];
    return mlp_reference_forward(p, v, {});
  };
  const auto up = shifted(1e-6), down = shifted(-1e-6);
  for (size_t i = 0; i < y_dot.size(); ++i) EXPECT_NEAR((up[i] - down[i]) / 2e-6, y_dot[i], 1e-6) << i;
  const auto g = mlp_reference_jvp_backward(p, x, x_dot, d_y_dot);
  auto objective = [&]() {
    const auto t = mlp_reference_jvp(p, x, x_dot);
    double s = 0;
    for (size_t i = 0; i < t.size(); ++i) s += t[i] * d_y_dot[i];
    return s;
  };
  for (uint32_t l = 0; l < cfg.layers(); ++l)
    for (size_t k = 0; k < p.w[l].size(); ++k) {
      const double keep = p.w[l][k];
      p.w[l][k] = keep + 1e-6;
      const double a = objective();
      p.w[l][k] = keep - 1e-6;
      const double b = objective();
      p.w[l][k] = keep;
      EXPECT_NEAR((a - b) / 2e-6, g.w[l][k], 1e-6) << "layer " << l << " weight " << k;
    }
}

TEST(MlpReference, GradientsMatchFiniteDifferences) {
  for (const bool modulated : {false, true}) {
    MlpConfig cfg;
    cfg.width = 5;
    cfg.hidden_layers = 2;
    cfg.activation = modulated ? Activation::Sine : Activation::Relu;
    cfg.output_activation = Activation::Sigmoid;
    cfg.first_omega = 2.0;
    cfg.hidden_omega = 1.5;
    cfg.modulated = modulated;
    Pcg32 rng(4);
    MlpReferenceParams p{cfg, 3, 2, {}, {}};
    for (uint32_t l = 0; l < cfg.layers(); ++l) {
      p.w.push_back(random_vec(cfg.in_dims(l, 3) * cfg.out_dims(l, 2), rng, -0.8, 0.8));
      p.b.push_back(random_vec(cfg.out_dims(l, 2), rng, -0.3, 0.3));
    }
    const auto x = random_vec(4 * 3, rng, -1, 1);
    std::vector<double> mod = modulated ? random_vec(4 * 2 * cfg.modulated_layers(), rng, 0.5, 1.5) : std::vector<double>{};
    const auto d_y = random_vec(4 * 2, rng, -1, 1);
    const auto g = mlp_reference_backward(p, x, mod, d_y);
    auto objective = [&](const MlpReferenceParams& q, const std::vector<double>& xx, const std::vector<double>& mm) {
      const auto y = mlp_reference_forward(q, xx, mm);
      double s = 0;
      for (size_t i = 0; i < y.size(); ++i) s += y[i] * d_y[i];
      return s;
    };
    const double h = 1e-6;
    auto fd = [&](double& v, double analytic, const char* what) {
      const double keep = v;
      v = keep + h;
      const double up = objective(p, x, mod);
      v = keep - h;
      const double down = objective(p, x, mod);
      v = keep;
      EXPECT_NEAR((up - down) / (2 * h), analytic, 1e-6 * (1 + std::abs(analytic))) << what << " modulated " << modulated;
    };
    for (uint32_t l = 0; l < cfg.layers(); ++l) {
      for (size_t i = 0; i < p.w[l].size(); ++i) fd(p.w[l][i], g.w[l][i], "w");
      for (size_t i = 0; i < p.b[l].size(); ++i) fd(p.b[l][i], g.b[l][i], "b");
    }
    auto xx = x;
    for (size_t i = 0; i < xx.size(); ++i) {
      auto up = xx, down = xx;
      up[i] += h;
      down[i] -= h;
      EXPECT_NEAR((objective(p, up, mod) - objective(p, down, mod)) / (2 * h), g.d_x[i], 1e-6 * (1 + std::abs(g.d_x[i])));
    }
    for (size_t i = 0; i < mod.size(); ++i) {
      auto up = mod, down = mod;
      up[i] += h;
      down[i] -= h;
      EXPECT_NEAR((objective(p, x, up) - objective(p, x, down)) / (2 * h), g.d_mod[i], 1e-6 * (1 + std::abs(g.d_mod[i])));
    }
  }
}

TEST_F(GpuTest, MlpInitialisationFollowsTorchAndSiren) {
  for (const auto act : {Activation::Relu, Activation::Sine}) {
    MlpConfig cfg;
    cfg.width = 64;
    cfg.hidden_layers = 2;
    cfg.activation = act;
    Mlp mlp(ctx(), 100, 3, cfg);
    std::vector<std::vector<float>> values;
    std::vector<std::span<float>> spans;
    for (const auto& b : mlp.parameter_blocks()) values.emplace_back(b.count);
    for (auto& v : values) spans.emplace_back(v);
    Pcg32 rng(3);
    mlp.initialize(spans, rng);
    auto max_abs = [](const std::vector<float>& v) {
      double m = 0;
      for (float f : v) m = std::max(m, double(std::abs(f)));
      return m;
    };
    if (act == Activation::Relu) {
      EXPECT_NEAR(max_abs(values[0]), 0.1, 0.005);  // 1/sqrt(100)
      EXPECT_NEAR(max_abs(values[2]), 0.125, 0.006);  // 1/sqrt(64)
    } else {
      EXPECT_NEAR(max_abs(values[0]), 0.01, 0.0005);  // 1/in
      EXPECT_NEAR(max_abs(values[2]), std::sqrt(6.0 / 64) / 30, 0.0005);
    }
  }
}

}  // namespace
}  // namespace nf::nn
