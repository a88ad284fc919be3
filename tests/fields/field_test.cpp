#include "fields/field.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/stream.hpp"
#include "nn/encodings/dif_grid.hpp"
#include "nn/encodings/fourier.hpp"
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
    return std::vector<float>(grads.begin() + blocks[b].offset, grads.begin() + blocks[b].offset + blocks[b].block.count);
  };
  for (int l = 0; l < 3; ++l) {
    NF_EXPECT_REL_ERROR(block(1 + 2 * l), g.w[l], 1e-4) << "layer " << l;
    NF_EXPECT_REL_ERROR(block(2 + 2 * l), g.b[l], 1e-4) << "layer " << l;
  }
  NF_EXPECT_REL_ERROR(block(7), g_grids, 1e-4);
  for (float v : block(0)) EXPECT_EQ(v, 0.0f) << "fixed Fourier frequencies get no gradient";
}

TEST_F(GpuTest, CamModulatedFieldMatchesComposedReferences) {
  check_cam_field(ctx(), 3);
  check_cam_field(ctx(), 1);
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
