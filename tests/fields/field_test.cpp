#include "fields/field.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "nn/encodings/dif_grid.hpp"
#include "nn/encodings/fourier.hpp"
#include "nn/encodings/hashgrid.hpp"
#include "nn/losses/eikonal.hpp"
#include "nn/modulations/cam.hpp"
#include "nn/networks/mlp.hpp"
#include "nn/networks/rbf.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::fields {
namespace {

using test::GpuTest;

const json kConfig = {
    {"encoding", {{"type", "dif_grid"}, {"resolutions", {5, 9, 13}}, {"channels", {2, 3, 2}}}},
    {"network", {{"type", "rbf"}, {"neurons", 12}}}};

// Random parameters for every block of the field; returns them per block (as doubles).
std::vector<std::vector<double>> randomize(Field& field, Pcg32& rng) {
  auto& store = field.parameters();
  std::vector<float> all(store.size(), 0.0f);
  std::vector<std::vector<double>> blocks;
  for (const auto& b : store.blocks()) {
    const bool log_precision = b.block.name == "log_precision";
    std::vector<double> v(b.block.count);
    for (auto& x : v) x = float(log_precision ? rng.uniform(-2.5, -1.0) : rng.uniform(-1.0, 1.0));
    for (size_t i = 0; i < v.size(); ++i) all[b.offset + i] = float(v[i]);
    blocks.push_back(v);
  }
  store.upload(all);
  return blocks;
}

TEST_F(GpuTest, FieldComposesEncodingAndNetworkForwardAndBackward) {
  const uint32_t n = 700, stride = 768;
  Field field(ctx(), kConfig, "test field", 2, 3, stride);
  ASSERT_EQ(field.parameters().blocks().size(), 5u);
  Pcg32 rng(8);
  const auto p = randomize(field, rng);

  std::vector<double> x(2 * n), d_y(3 * n);
  for (auto& v : x) v = float(rng.uniform(-1, 1));
  for (auto& v : d_y) v = float(rng.uniform(-1, 1));
  nn::BatchBuffer xb(ctx(), 2, stride, "x"), yb(ctx(), 3, stride, "y"), db(ctx(), 3, stride, "dy");
  std::vector<float> xf(2 * stride, 0.0f), df(3 * stride, 0.0f);
  for (uint32_t i = 0; i < n; ++i) {
    for (int a = 0; a < 2; ++a) xf[a * stride + i] = float(x[i * 2 + a]);
    for (int o = 0; o < 3; ++o) df[o * stride + i] = float(d_y[i * 3 + o]);
  }
  xb.buffer.upload(std::span<const float>(xf));
  db.buffer.upload(std::span<const float>(df));
  gpu::Stream stream(ctx(), 1);
  auto& cmd = stream.begin();
  cmd.fill(field.parameters().gradients(), 0);
  field.forward(cmd, xb.view(), yb.view(), n);
  field.backward(cmd, xb.view(), db.view(), n);
  stream.submit();
  stream.wait();

  const nn::DifGridConfig grid_cfg{{5, 9, 13}, {2, 3, 2}, 1.0};
  const nn::RbfReferenceParams rbf{12, 7, 3, p[1], p[2], p[3], p[4]};
  const auto features = nn::dif_grid_reference_forward(grid_cfg, 2, p[0], x);
  const auto y_ref = nn::rbf_reference_forward(rbf, features);
  const auto y = yb.buffer.download_all<float>();
  std::vector<double> y_gpu(3 * n);
  for (uint32_t i = 0; i < n; ++i)
    for (int o = 0; o < 3; ++o) y_gpu[i * 3 + o] = y[o * stride + i];
  NF_EXPECT_REL_ERROR(y_gpu, y_ref, 1e-5);

  const auto g = nn::rbf_reference_backward(rbf, features, d_y);
  const auto d_grid = nn::dif_grid_reference_backward(grid_cfg, 2, p[0], x, g.d_f);
  const auto all = field.parameters().gradients().download_all<float>();
  auto block = [&](size_t b) {
    const auto& pb = field.parameters().blocks()[b];
    return std::vector<float>(all.begin() + pb.offset, all.begin() + pb.offset + pb.block.count);
  };
  NF_EXPECT_REL_ERROR(block(0), d_grid, 1e-4);
  NF_EXPECT_REL_ERROR(block(1), g.mu, 1e-4);
  NF_EXPECT_REL_ERROR(block(2), g.rho, 1e-4);
  NF_EXPECT_REL_ERROR(block(3), g.w, 1e-4);
  NF_EXPECT_REL_ERROR(block(4), g.b, 1e-4);
}

// Fourier features -> MLP modulated by CAM grids over the same coordinates: the field's output and its
// gradients (MLP weights and CAM grids) against the composed double-precision references.
void check_cam_field(gpu::Context& ctx, uint32_t o_n) {
  const json config = {{"encoding", {{"type", "fourier"}, {"frequencies", 6}, {"sigma", 2.0}}},
                       {"network",
                        {{"type", "mlp"},
                         {"width", 16},
                         {"hidden_layers", 2},
                         {"output_activation", "sigmoid"},
                         {"modulation", {{"type", "cam"}, {"resolution", 5}}}}}};
  const uint32_t n = 301, stride = 320;
  Field field(ctx, config, "ffn-cam", 2, o_n, stride);
  const auto& blocks = field.parameters().blocks();
  ASSERT_EQ(blocks.size(), 1u + 6u + 1u);  // frequencies, 3 x (weight, bias), grids
  Pcg32 rng(12);
  std::vector<float> all(field.parameters().size(), 0.0f);
  std::vector<std::vector<double>> p;
  for (const auto& b : blocks) {
    std::vector<double> v(b.block.count);
    for (auto& x : v) x = float(b.block.name == "grids" ? rng.uniform(0.5, 1.5) : rng.uniform(-0.6, 0.6));
    for (size_t i = 0; i < v.size(); ++i) all[b.offset + i] = float(v[i]);
    p.push_back(v);
  }
  field.parameters().upload(all);

  std::vector<double> x(2 * n), d_y(o_n * n);
  for (auto& v : x) v = float(rng.uniform(-1, 1));
  for (auto& v : d_y) v = float(rng.uniform(-1, 1));
  nn::BatchBuffer xb(ctx, 2, stride, "x"), yb(ctx, o_n, stride, "y"), db(ctx, o_n, stride, "dy");
  std::vector<float> xf(2 * stride, 0.0f), df(o_n * stride, 0.0f);
  for (uint32_t i = 0; i < n; ++i) {
    for (int a = 0; a < 2; ++a) xf[a * stride + i] = float(x[i * 2 + a]);
    for (uint32_t o = 0; o < o_n; ++o) df[o * stride + i] = float(d_y[i * o_n + o]);
  }
  xb.buffer.upload(std::span<const float>(xf));
  db.buffer.upload(std::span<const float>(df));
  gpu::Stream stream(ctx, 1);
  auto& cmd = stream.begin();
  cmd.fill(field.parameters().gradients(), 0);
  field.forward(cmd, xb.view(), yb.view(), n);
  field.backward(cmd, xb.view(), db.view(), n);
  stream.submit();
  stream.wait();

  const auto features = nn::fourier_reference_forward(2, p[0], x);
  const auto mod = nn::cam_reference_forward(2, 5, 2, p[7], x);
  nn::MlpConfig mc;
  mc.width = 16;
  mc.hidden_layers = 2;
  mc.output_activation = nn::Activation::Sigmoid;
  mc.modulated = true;
  const nn::MlpReferenceParams mp{mc, 12, o_n, {p[1], p[3], p[5]}, {p[2], p[4], p[6]}};
  const auto y_ref = nn::mlp_reference_forward(mp, features, mod);
  const auto y = yb.buffer.download_all<float>();
  std::vector<double> y_gpu(o_n * n);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t o = 0; o < o_n; ++o) y_gpu[i * o_n + o] = y[o * stride + i];
  NF_EXPECT_REL_ERROR(y_gpu, y_ref, 1e-5);

  const auto g = nn::mlp_reference_backward(mp, features, mod, d_y);
  const auto g_grids = nn::cam_reference_backward(2, 5, 2, p[7], x, g.d_mod);
  const auto grads = field.parameters().gradients().download_all<float>();
  auto block = [&](size_t b) {
    return std::vector<float>(grads.begin() + blocks[b].offset,
                              grads.begin() + blocks[b].offset + blocks[b].block.count);
  };
  for (int l = 0; l < 3; ++l) {
    NF_EXPECT_REL_ERROR(block(1 + 2 * l), g.w[l], 1e-4) << "layer " << l;
    NF_EXPECT_REL_ERROR(block(2 + 2 * l), g.b[l], 1e-4) << "layer " << l;
  }
  NF_EXPECT_REL_ERROR(block(7), g_grids, 1e-4);
  for (float v : block(0)) EXPECT_EQ(v, 0.0f) << "fixed Fourier frequencies get no gradient";
  if (o_n != 1) return;

  // dy/dx: through the Fourier features plus through the CAM grids (the same coordinates).
  nn::BatchBuffer gb(ctx, 2, stride, "grad");
  auto& cmd2 = stream.begin();
  field.input_gradient(cmd2, xb.view(), yb.view(), gb.view(), n);
  stream.submit();
  stream.wait();
  const auto g1 = nn::mlp_reference_backward(mp, features, mod, std::vector<double>(n, 1.0));
  auto d_x = nn::fourier_reference_input_grad(2, p[0], x, g1.d_x);
  const auto d_x_cam = nn::cam_reference_input_grad(2, 5, 2, p[7], x, g1.d_mod);
  for (size_t i = 0; i < d_x.size(); ++i) d_x[i] += d_x_cam[i];
  const auto gf = gb.buffer.download_all<float>();
  std::vector<double> d_x_gpu(2 * n);
  for (uint32_t i = 0; i < n; ++i)
    for (int a = 0; a < 2; ++a) d_x_gpu[i * 2 + a] = gf[a * stride + i];
  NF_EXPECT_REL_ERROR(d_x_gpu, d_x, 1e-4);
  EXPECT_EQ(field.parameters().gradients().download_all<float>(), grads) << "input gradients leave them alone";
}

TEST_F(GpuTest, CamModulatedFieldMatchesComposedReferences) {
  check_cam_field(ctx(), 3);
  check_cam_field(ctx(), 1);
}

// Field::input_gradient of a named SDF config's field (random parameters of order 1) against central
// differences of the field's own forward on the GPU. x and x +- h are exact floats. Skipped (sample, axis)
// pairs: those whose +-h segment crosses a cell boundary of some hash-grid level, and those whose
// difference quotients at h and h/2 disagree by more than 1% (a ReLU kink within h: the order-1 tables make
// the MLP's pre-activations sweep fast). Also: input_gradient's y equals forward(), and it leaves the
// parameter gradients at zero.
double field_gradient_fd_error(gpu::Context& ctx, const std::string& config_name, size_t* checked) {
  const json cfg = read_json_file(test::asset("configs/" + config_name))["field"];
  const json& e = cfg["encoding"];
  const nn::HashGridConfig hg{e["levels"], e["features_per_level"], e["log2_table_size"], e["base_resolution"],
                              e["per_level_scale"]};
  const auto levels = nn::hashgrid_levels(hg, 3);
  double scale_sum = 0;
  for (const auto& l : levels) scale_sum += l.scale;
  const double h = std::exp2(std::floor(std::log2(0.25 / scale_sum)));  // ~1/4 of the pairs cross a boundary

  // Batch: the n samples, then for each axis a, step (h, h/2) and sign, the samples shifted along a.
  const uint32_t n = 256, sets = 13, total = sets * n;
  auto shift = [&](uint32_t set, uint32_t a) {
    if (set == 0 || (set - 1) / 4 != a) return 0.0;
    const uint32_t k = (set - 1) % 4;
    return (k < 2 ? h : h / 2) * (k % 2 == 0 ? 1.0 : -1.0);
  };
  Field field(ctx, cfg, config_name, 3, 1, total);
  Pcg32 rng(41);
  const auto p = randomize(field, rng);
  std::vector<double> x(3 * n);
  for (auto& v : x) v = std::round(rng.uniform(-0.9, 0.9) * 65536.0) / 65536.0;  // x +- h exact in float
  std::vector<float> xf(3 * total, 0.0f);
  for (uint32_t set = 0; set < sets; ++set)
    for (uint32_t i = 0; i < n; ++i)
      for (uint32_t a = 0; a < 3; ++a) xf[a * total + set * n + i] = float(x[i * 3 + a] + shift(set, a));
  nn::BatchBuffer xb(ctx, 3, total, "x"), yb(ctx, 1, total, "y"), y2(ctx, 1, total, "y2"), gb(ctx, 3, total, "grad");
  xb.buffer.upload(std::span<const float>(xf));
  gb.buffer.upload(std::span<const float>(test::poison(3 * total)));
  gpu::Stream stream(ctx, 1);
  auto& cmd = stream.begin();
  cmd.fill(field.parameters().gradients(), 0);
  field.forward(cmd, xb.view(), yb.view(), total);
  field.input_gradient(cmd, xb.view(), y2.view(), gb.view(), n);
  stream.submit();
  stream.wait();
  const auto y = yb.buffer.download_all<float>(), yg = y2.buffer.download_all<float>();
  const auto g = gb.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(yg[i], y[i]) << "input_gradient's y is the forward";
  size_t nonzero = 0;
  for (float v : field.parameters().gradients().download_all<float>()) nonzero += v != 0.0f;
  EXPECT_EQ(nonzero, 0u) << "no parameter gradients";

  // The composed double-precision references (encoding input gradient of the network's, for dL/dy = 1).
  const auto features = nn::hashgrid_reference_forward(hg, 3, p[0], x);
  const uint32_t nf = uint32_t(features.size() / n);
  std::vector<double> d_features;
  if (cfg["network"]["type"] == "rbf") {
    const uint32_t k = cfg["network"]["neurons"];
    d_features =
        nn::rbf_reference_backward({k, nf, 1, p[1], p[2], p[3], p[4]}, features, std::vector<double>(n, 1.0))
            .d_f;
  } else {
    nn::MlpConfig mc;
    mc.width = cfg["network"]["width"];
    mc.hidden_layers = cfg["network"]["hidden_layers"];
    nn::MlpReferenceParams mp{mc, nf, 1, {}, {}};
    for (uint32_t l = 0; l < mc.layers(); ++l) {
      mp.w.push_back(p[1 + 2 * l]);
      mp.b.push_back(p[2 + 2 * l]);
    }
    d_features = nn::mlp_reference_backward(mp, features, {}, std::vector<double>(n, 1.0)).d_x;
  }
  const auto ref = nn::hashgrid_reference_input_grad(hg, 3, p[0], x, d_features);
  std::vector<double> gpu(3 * n);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t a = 0; a < 3; ++a) gpu[i * 3 + a] = g[a * total + i];
  // float32 cell coordinates of the finest hash-grid levels (p up to ~7,000: ulp 5e-4) quantise the
  // interpolation weights; measured 2.1e-4 for sdf-hashgrid, below 1e-4 for sdf-rbf.
  NF_EXPECT_REL_ERROR(gpu, ref, 1e-3) << config_name;

  double err2 = 0, ref2 = 0;
  *checked = 0;
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t a = 0; a < 3; ++a) {
      bool crosses = false;
      for (const auto& l : levels) {
        auto cell = [&](double v) { return std::floor(double(l.scale) * (v + 1) * 0.5 + 0.5); };
        crosses |= cell(x[i * 3 + a] - h) != cell(x[i * 3 + a] + h);
      }
      auto quotient = [&](uint32_t first, double step) {
        return (double(y[first * n + i]) - double(y[(first + 1) * n + i])) / (2 * step);
      };
      const double fd = quotient(1 + 4 * a, h), fd2 = quotient(3 + 4 * a, h / 2);
      if (crosses || std::abs(fd - fd2) > 1e-2 * std::abs(fd)) continue;
      const double an = g[a * total + i];
      err2 += (fd - an) * (fd - an);
      ref2 += an * an;
      ++*checked;
    }
  return std::sqrt(err2 / ref2);
}

TEST_F(GpuTest, SdfFieldInputGradientsMatchFiniteDifferences) {
  // Measured: sdf-rbf 2.0e-4, sdf-hashgrid 2.7e-2. The latter's steps (h = 2^-17) move the finest levels'
  // cell coordinate by ~0.05 cells, which float32 resolves to ~5e-4: differences of the float forward are
  // only good to ~1% there, while the analytic gradient matches the double-precision reference above.
  for (const auto& [name, bound] : {std::pair{"sdf-rbf.json", 1e-3}, std::pair{"sdf-hashgrid.json", 5e-2}}) {
    size_t checked = 0;
    const double err = field_gradient_fd_error(ctx(), name, &checked);
    EXPECT_LT(err, bound) << name;
    EXPECT_GT(checked, 3u * 256 / 5) << name;
    std::printf("%s: field gradient vs GPU finite differences, relative error %.2e over %zu of 768 pairs\n", name,
                err, checked);
  }
}

// The eikonal term of a field over points x: E = weight * mean (|grad_x f| - 1)^2 and its parameter gradient
// per block, composed from the modules' double-precision references (forward over reverse, as the field).
struct EikonalReference {
  double value = 0;
  std::vector<std::vector<double>> grads;
};

struct EikonalModel {
  json config;
  std::vector<std::vector<double>> p;  // parameters per block

  bool hashgrid() const { return config["encoding"]["type"] == "hashgrid"; }
  bool rbf() const { return config["network"]["type"] == "rbf"; }
  nn::HashGridConfig hg() const {
    const json& e = config["encoding"];
    return {e["levels"], e["features_per_level"], e["log2_table_size"], e["base_resolution"], e["per_level_scale"]};
  }
  nn::DifGridConfig dg() const {
    const json& e = config["encoding"];
    return {e["resolutions"], e["channels"], 1.0};
  }
  std::vector<double> encode(std::span<const double> x) const {
    return hashgrid() ? nn::hashgrid_reference_forward(hg(), 3, p[0], x)
                      : nn::dif_grid_reference_forward(dg(), 3, p[0], x);
  }
  std::vector<double> enc_input_grad(std::span<const double> x, std::span<const double> d_f) const {
    return hashgrid() ? nn::hashgrid_reference_input_grad(hg(), 3, p[0], x, d_f)
                      : nn::dif_grid_reference_input_grad(dg(), 3, p[0], x, d_f);
  }
  nn::RbfReferenceParams rbf_params(uint32_t nf) const {
    return {uint32_t(config["network"]["neurons"]), nf, 1, p[1], p[2], p[3], p[4]};
  }
  nn::MlpReferenceParams mlp_params(uint32_t nf) const {
    nn::MlpConfig mc;
    mc.width = config["network"]["width"];
    mc.hidden_layers = config["network"]["hidden_layers"];
    nn::MlpReferenceParams mp{mc, nf, 1, {}, {}};
    for (uint32_t l = 0; l < mc.layers(); ++l) {
      mp.w.push_back(p[1 + 2 * l]);
      mp.b.push_back(p[2 + 2 * l]);
    }
    return mp;
  }
  // dy/dF for dL/dy = 1.
  std::vector<double> net_input_grad(std::span<const double> f, size_t n) const {
    const auto nf = uint32_t(f.size() / n);
    const std::vector<double> ones(n, 1.0);
    return rbf() ? nn::rbf_reference_backward(rbf_params(nf), f, ones).d_f
                 : nn::mlp_reference_backward(mlp_params(nf), f, {}, ones).d_x;
  }

  EikonalReference evaluate(std::span<const double> x, double weight, bool with_gradient) const {
    const size_t n = x.size() / 3;
    const auto f = encode(x);
    const auto nf = uint32_t(f.size() / n);
    const auto d_f = net_input_grad(f, n);
    const auto g = enc_input_grad(x, d_f);
    std::vector<double> g_hat(g.size());
    EikonalReference r;
    r.value = weight * nn::eikonal_reference(g, 3, weight / double(n), g_hat);
    if (!with_gradient) return r;
    const std::vector<double> ones(n, 1.0);
    const auto f_dot = hashgrid() ? nn::hashgrid_reference_jvp(hg(), 3, p[0], x, g_hat)
                                  : nn::dif_grid_reference_jvp(dg(), 3, p[0], x, g_hat);
    auto enc = hashgrid() ? nn::hashgrid_reference_jvp_backward(hg(), 3, p[0], x, g_hat, d_f)
                          : nn::dif_grid_reference_jvp_backward(dg(), 3, p[0], x, g_hat, d_f);
    if (rbf()) {
      const auto t = nn::rbf_reference_jvp_backward(rbf_params(nf), f, f_dot, ones);
      const auto through_f = hashgrid() ? nn::hashgrid_reference_backward(hg(), 3, p[0], x, t.d_f)
                                        : nn::dif_grid_reference_backward(dg(), 3, p[0], x, t.d_f);
      for (size_t i = 0; i < enc.size(); ++i) enc[i] += through_f[i];
      r.grads = {enc, t.mu, t.rho, t.w, t.b};
    } else {
      const auto t = nn::mlp_reference_jvp_backward(mlp_params(nf), f, f_dot, ones);
      r.grads = {enc};
      for (size_t l = 0; l < t.w.size(); ++l) {
        r.grads.push_back(t.w[l]);
        r.grads.push_back(t.b[l]);
      }
    }
    return r;
  }
};

const json kEikonalHashGrid = {{"type", "hashgrid"},       {"levels", 4},          {"features_per_level", 2},
                               {"log2_table_size", 10},    {"base_resolution", 3}, {"per_level_scale", 1.6}};
const json kEikonalDifGrid = {{"type", "dif_grid"}, {"resolutions", {3, 5, 7}}, {"channels", {2, 3, 2}}};
const json kEikonalMlp = {{"type", "mlp"}, {"width", 16}, {"hidden_layers", 2}};
const json kEikonalRbf = {{"type", "rbf"}, {"neurons", 8}};

// The reference's gradient against central differences of its value, on the largest-gradient parameters of
// every block and a few random ones.
TEST(EikonalReference, GradientMatchesFiniteDifferences) {
  for (const auto& [enc, net] : {std::pair{kEikonalHashGrid, kEikonalMlp}, std::pair{kEikonalHashGrid, kEikonalRbf},
                                 std::pair{kEikonalDifGrid, kEikonalRbf}}) {
    Pcg32 rng(51);
    EikonalModel m{{{"encoding", enc}, {"network", net}}, {}};
    // Block sizes as the field declares them.
    std::vector<size_t> sizes;
    const bool hashgrid = enc["type"] == "hashgrid";
    size_t features = 0, table = 0;
    if (hashgrid) {
      const auto levels = nn::hashgrid_levels(m.hg(), 3);
      table = (levels.back().first + levels.back().entries) * 2;
      features = 8;
    } else {
      table = m.dg().parameters(3);
      features = m.dg().features();
    }
    sizes.push_back(table);
    if (net["type"] == "rbf") {
      sizes.insert(sizes.end(), {8 * features, 8 * features, 8, 1});
    } else {
      sizes.insert(sizes.end(), {16 * features, 16, 16 * 16, 16, 16, 1});
    }
    for (size_t b = 0; b < sizes.size(); ++b) {
      std::vector<double> v(sizes[b]);
      const bool log_precision = net["type"] == "rbf" && b == 2;
      for (auto& x : v) x = log_precision ? rng.uniform(-2.5, -1.0) : rng.uniform(-1.0, 1.0);
      m.p.push_back(v);
    }
    std::vector<double> x(3 * 40);
    for (auto& v : x) v = rng.uniform(-1, 1);
    const auto r = m.evaluate(x, 0.3, true);
    size_t checked = 0;
    for (size_t b = 0; b < m.p.size(); ++b) {
      std::vector<size_t> idx(m.p[b].size());
      for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      std::partial_sort(idx.begin(), idx.begin() + std::min<size_t>(4, idx.size()), idx.end(),
                        [&](size_t a, size_t c) { return std::abs(r.grads[b][a]) > std::abs(r.grads[b][c]); });
      idx.resize(std::min<size_t>(4, idx.size()));
      idx.push_back(size_t(rng.uniform(0, double(m.p[b].size()))) % m.p[b].size());
      for (size_t i : idx) {
        const double h = 1e-6, keep = m.p[b][i];
        m.p[b][i] = keep + h;
        const double up = m.evaluate(x, 0.3, false).value;
        m.p[b][i] = keep - h;
        const double down = m.evaluate(x, 0.3, false).value;
        m.p[b][i] = keep;
        EXPECT_NEAR((up - down) / (2 * h), r.grads[b][i], 1e-5 * (1 + std::abs(r.grads[b][i])))
            << enc["type"] << " + " << net["type"] << " block " << b << " parameter " << i;
        ++checked;
      }
    }
    EXPECT_GT(checked, 20u);
  }
}

// The GPU's eikonal gradient (Field::eikonal_backward) against the reference, and its sums.
TEST_F(GpuTest, FieldEikonalGradientMatchesReference) {
  for (const auto& [enc, net] : {std::pair{kEikonalHashGrid, kEikonalMlp}, std::pair{kEikonalHashGrid, kEikonalRbf},
                                 std::pair{kEikonalDifGrid, kEikonalRbf}}) {
    const json config = {{"encoding", enc}, {"network", net}};
    const uint32_t n = 700, stride = 704;
    Field field(ctx(), config, "eikonal", 3, 1, stride);
    ASSERT_EQ(field.eikonal_unsupported(), "");
    Pcg32 rng(52);
    EikonalModel m{config, randomize(field, rng)};
    std::vector<double> x(3 * n);
    for (auto& v : x) v = float(rng.uniform(-1, 1));
    std::vector<float> xf(3 * stride, 0.0f);
    for (uint32_t i = 0; i < n; ++i)
      for (int a = 0; a < 3; ++a) xf[a * stride + i] = float(x[i * 3 + a]);
    nn::BatchBuffer xb(ctx(), 3, stride, "x");
    xb.buffer.upload(std::span<const float>(xf));
    nn::Eikonal eikonal(ctx(), 3);
    const double weight = 0.3;
    gpu::Stream stream(ctx(), 1);
    auto& cmd = stream.begin();
    cmd.fill(field.parameters().gradients(), 0);
    eikonal.reset(cmd);
    field.eikonal_backward(cmd, xb.view(), n, eikonal, float(weight / n));
    stream.submit();
    stream.wait();
    const auto r = m.evaluate(x, weight, true);
    EXPECT_NEAR(eikonal.readout(n).mean_sq * weight, r.value, 1e-4 * r.value);
    const auto all = field.parameters().gradients().download_all<float>();
    const auto& blocks = field.parameters().blocks();
    ASSERT_EQ(blocks.size(), r.grads.size());
    for (size_t b = 0; b < blocks.size(); ++b) {
      const std::vector<float> gpu(all.begin() + blocks[b].offset,
                                   all.begin() + blocks[b].offset + blocks[b].block.count);
      // Measured at most 1.1e-6 (every block of the three combinations).
      NF_EXPECT_REL_ERROR(gpu, r.grads[b], 1e-4) << enc["type"] << " + " << net["type"] << " block "
                                                 << blocks[b].block.name;
      std::printf("%s + %s, %s: GPU eikonal gradient relative error %.2e\n", enc["type"].get<std::string>().c_str(),
                  net["type"].get<std::string>().c_str(), blocks[b].block.name.c_str(),
                  test::relative_error(gpu, r.grads[b]));
    }
  }
}

TEST_F(GpuTest, EikonalUnsupportedFieldsSayWhy) {
  const json cam = {{"encoding", {{"type", "fourier"}, {"frequencies", 4}}},
                    {"network", {{"type", "mlp"}, {"width", 8}, {"modulation", {{"type", "cam"}}}}}};
  EXPECT_NE(Field(ctx(), cam, "cam", 3, 1, 64).eikonal_unsupported().find("CAM"), std::string::npos);
  const json sine = {{"encoding", kEikonalHashGrid}, {"network", {{"type", "mlp"}, {"activation", "sine"}}}};
  EXPECT_NE(Field(ctx(), sine, "sine", 3, 1, 64).eikonal_unsupported().find("sine"), std::string::npos);
  const json fourier = {{"encoding", {{"type", "fourier"}, {"frequencies", 4}}}, {"network", kEikonalRbf}};
  EXPECT_NE(Field(ctx(), fourier, "fourier", 3, 1, 64).eikonal_unsupported().find("encoding"), std::string::npos);
}

TEST_F(GpuTest, FieldInputGradientNeedsOneOutput) {
  Field field(ctx(), kConfig, "three outputs", 2, 3, 64);
  nn::BatchBuffer xb(ctx(), 2, 64, "x"), yb(ctx(), 3, 64, "y"), gb(ctx(), 2, 64, "grad");
  gpu::Stream stream(ctx(), 1);
  auto& cmd = stream.begin();
  EXPECT_THROW(field.input_gradient(cmd, xb.view(), yb.view(), gb.view(), 64), Error);
  stream.submit();
  stream.wait();
}

TEST_F(GpuTest, FieldInitialisationIsReproduciblePerSeed) {
  Field a(ctx(), kConfig, "a", 2, 3, 64), b(ctx(), kConfig, "b", 2, 3, 64);
  a.initialize(5);
  b.initialize(5);
  EXPECT_EQ(a.parameters().download(), b.parameters().download());
  b.initialize(6);
  EXPECT_NE(a.parameters().download(), b.parameters().download());
}

TEST_F(GpuTest, FieldConfigErrorsNameTheKey) {
  auto error_of = [&](const json& cfg) {
    try {
      Field f(ctx(), cfg, "config x.json: field", 2, 3, 64);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  json typo = kConfig;
  typo["network"]["neurnos"] = 3;
  EXPECT_NE(error_of(typo).find("config x.json: field: network: unknown key 'neurnos'"), std::string::npos)
      << error_of(typo);
  json unknown = kConfig;
  unknown["encoding"]["type"] = "octree";
  EXPECT_NE(error_of(unknown).find("unknown encoding type 'octree'"), std::string::npos) << error_of(unknown);
  EXPECT_NE(error_of(json{{"network", kConfig["network"]}}).find("missing \"encoding\""), std::string::npos);
}

}  // namespace
}  // namespace nf::fields
