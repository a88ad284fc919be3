#include "fields/radiance_field.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "core/vec3.hpp"
#include "fields/radiance_heads.hpp"
#include "gpu/stream.hpp"
#include "nn/encodings/hashgrid.hpp"
#include "nn/modulations/cam.hpp"
#include "nn/networks/mlp.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::fields {
namespace {

using test::GpuTest;

const json kMlpHeads = {
    {"type", "mlp_heads"},
    {"encoding", {{"type", "hashgrid"}, {"levels", 4}, {"features_per_level", 2}, {"log2_table_size", 10},
                  {"base_resolution", 4}, {"per_level_scale", 2.0}}},
    {"density_network", {{"type", "mlp"}, {"width", 16}, {"hidden_layers", 1}}},
    {"geometry_features", 5},
    {"direction_encoding", {{"max_degree", 3}}},
    {"color_network", {{"type", "mlp"}, {"width", 16}, {"hidden_layers", 2}, {"output_activation", "sigmoid"}}}};

const json kShHead = {
    {"type", "sh_head"},
    {"encoding", {{"type", "hashgrid"}, {"levels", 3}, {"features_per_level", 2}, {"log2_table_size", 10},
                  {"base_resolution", 4}, {"per_level_scale", 2.0}}},
    {"network", {{"type", "rbf"}, {"neurons", 8}}},
    {"max_degree", 2},
    {"density_shift", -1.0}};

struct Batch {
  nn::BatchBuffer samples, outs, d_outs, sigma;
  uint32_t n;
};

Batch random_batch(gpu::Context& ctx, Pcg32& rng, uint32_t n) {
  Batch b{nn::BatchBuffer(ctx, 8, n, "samples"), nn::BatchBuffer(ctx, 4, n, "outs"), nn::BatchBuffer(ctx, 4, n, "d_outs"),
          nn::BatchBuffer(ctx, 1, n, "sigma"), n};
  std::vector<float> s(8 * size_t(b.samples.capacity), 0.0f);
  for (uint32_t i = 0; i < n; ++i) {
    Vec3 d{rng.normal(), rng.normal(), rng.normal()};
    d = d / length(d);
    for (int a = 0; a < 3; ++a) {
      s[size_t(a) * b.samples.capacity + i] = float(rng.uniform(-1, 1));
      s[size_t(3 + a) * b.samples.capacity + i] = float(d[a]);
    }
  }
  b.samples.buffer.upload(std::span<const float>(s));
  return b;
}

// L = sum_i sum_r w_ri outs_ri for fixed random weights w.
double weighted(const std::vector<float>& outs, const std::vector<float>& w) {
  double s = 0;
  for (size_t i = 0; i < outs.size(); ++i) s += double(outs[i]) * w[i];
  return s;
}

// The field's parameter gradients against central differences of L (float32 on the GPU: h and the tolerance
// are sized for it). For fields whose modules are smooth in their parameters (hash-grid entries enter
// linearly, Gaussian RBFs smoothly); ReLU networks have kinks, the MLP field is checked against the
// references of its modules instead. The density alone equals the forward's density row.
void check_field(gpu::Context& ctx, const json& config) {
  Pcg32 rng(21);
  auto field = RadianceField::create(ctx, config, "test", 256);
  field->initialize(3);
  // Larger random parameters than the initialisation, so that every part carries gradient.
  auto& store = field->parameters();
  std::vector<float> params(store.size(), 0.0f);
  for (const auto& b : store.blocks())
    for (uint32_t k = 0; k < b.block.count; ++k)
      params[b.offset + k] = float(b.block.name == "log_precision" ? rng.uniform(-1.5, -0.5) : rng.uniform(-0.7, 0.7));
  store.upload(params);
  const uint32_t n = 24;
  Batch b = random_batch(ctx, rng, n);
  std::vector<float> w(4 * size_t(b.outs.capacity), 0.0f);
  for (uint32_t r = 0; r < 4; ++r)
    for (uint32_t i = 0; i < n; ++i) w[size_t(r) * b.outs.capacity + i] = float(rng.uniform(-1, 1));
  b.d_outs.buffer.upload(std::span<const float>(w));
  gpu::Stream stream(ctx);
  auto forward = [&] {
    field->forward(stream.begin(), b.samples.view(), b.outs.view(), n);
    stream.submit();
    stream.wait();
    return b.outs.buffer.download_all<float>();
  };
  {
    gpu::CommandList& cmd = stream.begin();
    field->forward(cmd, b.samples.view(), b.outs.view(), n);
    cmd.fill(store.gradients(), 0);
    field->backward(cmd, b.samples.view(), b.outs.view(), b.d_outs.view(), n);
    stream.submit();
    stream.wait();
  }
  const auto outs = b.outs.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) ASSERT_TRUE(outs[size_t(c) * b.outs.capacity + i] > 0 && outs[size_t(c) * b.outs.capacity + i] < 1);
    ASSERT_GE(outs[3 * size_t(b.outs.capacity) + i], 0.0f);
  }
  const auto grads = store.gradients().download_all<float>();
  // The density alone.
  field->density(stream.begin(), {&b.samples.buffer, 3, b.samples.capacity}, b.sigma.view(), n);
  stream.submit();
  stream.wait();
  const auto sigma = b.sigma.buffer.download_all<float>();
  for (uint32_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(sigma[i], outs[3 * size_t(b.outs.capacity) + i]) << i;

  int checked = 0, bad = 0;
  for (const auto& blk : store.blocks()) {
    // Entries of this block that received gradient (hash tables are sparse), at most 6 per block.
    std::vector<uint32_t> touched;
    for (uint32_t k = 0; k < blk.block.count && touched.size() < 6; k += 1 + blk.block.count / 40)
      if (std::abs(grads[blk.offset + k]) > 1e-3) touched.push_back(blk.offset + k);
    for (uint32_t p : touched) {
      const float h = 1e-3f;
      std::vector<float> plus = params, minus = params;
      plus[p] += h;
      minus[p] -= h;
      store.upload(plus);
      const double lp = weighted(forward(), w);
      store.upload(minus);
      const double lm = weighted(forward(), w);
      const double fd = (lp - lm) / (2 * h);
      ++checked;
      if (std::abs(fd - grads[p]) > 0.02 * std::abs(fd) + 2e-3) {
        ++bad;
        std::vector<float> p2 = params, m2 = params;
        p2[p] += 4 * h;
        m2[p] -= 4 * h;
        store.upload(p2);
        const double lp2 = weighted(forward(), w);
        store.upload(m2);
        const double lm2 = weighted(forward(), w);
        ADD_FAILURE() << blk.block.name << "[" << p - blk.offset << "]: gradient " << grads[p] << ", finite difference " << fd << " (4h: " << (lp2 - lm2) / (8 * h) << ")";
      }
    }
  }
  store.upload(params);
  EXPECT_GT(checked, 20);
  EXPECT_EQ(bad, 0);
}

// The instant-ngp field against the composition of its modules' double-precision references (hash grid,
// MLPs, spherical harmonics, exp density): outputs and every parameter gradient. With CAM (cam = true): the
// colour network's hidden layers modulated by 10 x 3 grids over the view direction's angles and normalised
// over groups of samples (rays of 1 to 6 samples, a few samples of none).
void check_mlp_heads(gpu::Context& ctx, bool cam) {
  Pcg32 rng(8);
  json config = kMlpHeads;
  if (cam) {
    config["color_network"]["modulation"] = {{"type", "cam"}, {"resolution", {10, 3}}, {"lr_scale", 1}};
    config["color_network"]["normalization"] = "ray";
  }
  auto field = RadianceField::create(ctx, config, "test", 64);
  auto& store = field->parameters();
  std::vector<float> params(store.size(), 0.0f);
  std::vector<std::vector<double>> blocks;
  for (const auto& b : store.blocks()) {
    blocks.emplace_back();
    for (uint32_t k = 0; k < b.block.count; ++k) {
      params[b.offset + k] = float(rng.uniform(-0.6, 0.6));
      blocks.back().push_back(params[b.offset + k]);
    }
  }
  store.upload(params);
  const uint32_t n = 37, G = 5;
  Batch b = random_batch(ctx, rng, n);
  // Rays: consecutive samples; samples with no ray (group -1) now and then.
  std::vector<uint32_t> first, count, ray_of(n, ~0u);
  std::vector<int64_t> group(n, -1);
  for (uint32_t s0 = 0; s0 < n;) {
    const uint32_t size = std::min<uint32_t>(1 + rng.next_u32() % 6, n - s0);
    if (rng.next_u32() % 5 != 0) {
      for (uint32_t k = s0; k < s0 + size; ++k) ray_of[k] = uint32_t(first.size()), group[k] = int64_t(first.size());
      first.push_back(s0);
      count.push_back(size);
    }
    s0 += size;
  }
  const uint32_t rays = uint32_t(first.size()), ray_stride = (rays + 3) / 4 * 4;
  std::vector<uint32_t> info(2 * ray_stride, 0);
  std::copy(first.begin(), first.end(), info.begin());
  std::copy(count.begin(), count.end(), info.begin() + ray_stride);
  // A ray's samples share its direction.
  {
    auto rows = b.samples.buffer.download_all<float>();
    for (uint32_t k = 0; k < n; ++k)
      if (ray_of[k] != ~0u)
        for (int a = 3; a < 6; ++a)
          rows[size_t(a) * b.samples.capacity + k] = rows[size_t(a) * b.samples.capacity + first[ray_of[k]]];
    b.samples.buffer.upload(std::span<const float>(rows));
  }
  gpu::Buffer info_b(ctx, info.size() * 4, "rays"), of_b(ctx, uint64_t(n) * 4, "ray of");
  info_b.upload(std::span<const uint32_t>(info));
  of_b.upload(std::span<const uint32_t>(ray_of));
  const auto s = b.samples.buffer.download_all<float>();
  const uint32_t cap = b.samples.capacity;
  std::vector<double> x, d;
  for (uint32_t i = 0; i < n; ++i)
    for (int a = 0; a < 3; ++a) x.push_back(s[size_t(a) * cap + i]), d.push_back(s[size_t(3 + a) * cap + i]);
  std::vector<float> w(4 * size_t(b.outs.capacity), 0.0f);
  std::vector<double> d_outs;  // sample-major, 4 per sample
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t r = 0; r < 4; ++r) {
      w[size_t(r) * b.outs.capacity + i] = float(rng.uniform(-1, 1));
      d_outs.push_back(w[size_t(r) * b.outs.capacity + i]);
    }
  b.d_outs.buffer.upload(std::span<const float>(w));
  gpu::Stream stream(ctx);
  gpu::CommandList& cmd = stream.begin();
  field->forward(cmd, b.samples.view(), b.outs.view(), n, nn::Segments{&info_b, ray_stride, rays, &of_b});
  cmd.fill(store.gradients(), 0);
  field->backward(cmd, b.samples.view(), b.outs.view(), b.d_outs.view(), n);
  stream.submit();
  stream.wait();
  const auto outs = b.outs.buffer.download_all<float>();
  const auto grads = store.gradients().download_all<float>();

  nn::HashGridConfig hg;
  hg.levels = 4;
  hg.log2_table_size = 10;
  hg.base_resolution = 4;
  hg.per_level_scale = 2.0;
  const auto feats = nn::hashgrid_reference_forward(hg, 3, blocks[0], x);
  const uint32_t nf = 8;
  nn::MlpConfig dc;
  dc.width = 16;
  dc.hidden_layers = 1;
  nn::MlpReferenceParams dp{dc, nf, G, {blocks[1], blocks[3]}, {blocks[2], blocks[4]}};
  const auto h = nn::mlp_reference_forward(dp, feats, {});
  std::vector<double> color_in;
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t g = 0; g < G; ++g) color_in.push_back(h[i * G + g]);
    for (double y : sh_reference({d[3 * i], d[3 * i + 1], d[3 * i + 2]}, 16)) color_in.push_back(y);
  }
  nn::MlpConfig cc;
  cc.width = 16;
  cc.hidden_layers = 2;
  cc.output_activation = nn::Activation::Sigmoid;
  cc.modulated = cam;
  cc.ray_norm = cam;
  nn::MlpReferenceParams cp{cc, G + 16, 3, {blocks[5], blocks[7], blocks[9]}, {blocks[6], blocks[8], blocks[10]}};
  std::vector<double> angles, mod;
  const nn::CamResolution res(std::array<uint32_t, 3>{10, 3, 1});
  if (cam) {
    for (uint32_t i = 0; i < n; ++i)
      for (double v : direction_angles_reference({d[3 * i], d[3 * i + 1], d[3 * i + 2]})) angles.push_back(v);
    mod = nn::cam_reference_forward(2, res, 2, blocks[11], angles);
  }
  const std::span<const int64_t> groups = cam ? std::span<const int64_t>(group) : std::span<const int64_t>();
  const auto rgb = nn::mlp_reference_forward(cp, color_in, mod, groups);
  std::vector<double> d_rgb;
  for (uint32_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) d_rgb.push_back(d_outs[4 * i + c]);
  const auto cg = nn::mlp_reference_backward(cp, color_in, mod, d_rgb, groups);
  std::vector<double> grid_grads;
  if (cam) grid_grads = nn::cam_reference_backward(2, res, 2, blocks[11], angles, cg.d_mod);
  std::vector<double> d_h;
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t g = 0; g < G; ++g) d_h.push_back(cg.d_x[i * (G + 16) + g]);
    d_h[i * G] += d_outs[4 * i + 3] * density_slope_reference(DensityActivation::Exp, h[i * G], 0);
  }
  const auto dg = nn::mlp_reference_backward(dp, feats, {}, d_h);
  const auto tg = nn::hashgrid_reference_backward(hg, 3, blocks[0], x, dg.d_x);
  std::vector<double> out_ref, out_gpu;
  for (uint32_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) out_ref.push_back(rgb[i * 3 + c]), out_gpu.push_back(outs[size_t(c) * b.outs.capacity + i]);
    out_ref.push_back(density_reference(DensityActivation::Exp, h[i * G], 0));
    out_gpu.push_back(outs[3 * size_t(b.outs.capacity) + i]);
  }
  // With CAM the GPU takes the angles in float (asin's slope grows towards the poles): looser bounds.
  const double tol = cam ? 5e-4 : 1e-4;
  NF_EXPECT_REL_ERROR(std::span<const double>(out_gpu), std::span<const double>(out_ref), tol / 10);
  std::vector<const std::vector<double>*> refs = {&tg, &dg.w[0], &dg.b[0], &dg.w[1], &dg.b[1],
                                                  &cg.w[0], &cg.b[0], &cg.w[1], &cg.b[1], &cg.w[2], &cg.b[2]};
  if (cam) refs.push_back(&grid_grads);
  ASSERT_EQ(refs.size(), store.blocks().size());
  for (size_t k = 0; k < refs.size(); ++k) {
    const auto& blk = store.blocks()[k];
    std::vector<float> g(grads.begin() + blk.offset, grads.begin() + blk.offset + blk.block.count);
    NF_EXPECT_REL_ERROR(std::span<const float>(g), std::span<const double>(*refs[k]), tol) << "block " << k << " " << blk.block.name;
  }
}

TEST_F(GpuTest, MlpHeadsRadianceFieldMatchesReference) { check_mlp_heads(ctx(), false); }
TEST_F(GpuTest, MlpHeadsRadianceFieldWithCamMatchesReference) { check_mlp_heads(ctx(), true); }
// The compare-and-swap path of devices without float atomics (the grouped CAM scatter has its own variant).
TEST(MlpHeadsRadianceField, WithCamMatchesReferenceWithoutFloatAtomics) {
  gpu::Context& ctx = test::portable_atomics_context();
  check_mlp_heads(ctx, true);
}

// The view-direction angles of CAM's radiance grids, by hand: +X is azimuth 0, +Y azimuth 1/2, -X azimuth 1
// (or -1); +Z elevation 1, the horizon 0.
TEST(DirectionAngles, ByHand) {
  EXPECT_NEAR(direction_angles_reference({1, 0, 0})[0], 0.0, 1e-15);
  EXPECT_NEAR(direction_angles_reference({0, 1, 0})[0], 0.5, 1e-15);
  EXPECT_NEAR(std::abs(direction_angles_reference({-1, 0, 0})[0]), 1.0, 1e-15);
  EXPECT_NEAR(direction_angles_reference({0, 0, 1})[1], 1.0, 1e-15);
  EXPECT_NEAR(direction_angles_reference({0.6, 0.8, 0})[1], 0.0, 1e-15);
  EXPECT_NEAR(direction_angles_reference({std::sqrt(0.5), 0, std::sqrt(0.5)})[1], 0.5, 1e-12);
}

TEST_F(GpuTest, ShHeadRadianceGradientsMatchFiniteDifferences) { check_field(ctx(), kShHead); }

// The spherical harmonics are orthonormal on the sphere (a check of the constants that does not lean on
// any other implementation): a Fibonacci quadrature of the Gram matrix.
TEST(SphericalHarmonics, AreOrthonormal) {
  const int n = 20000;
  std::vector<double> gram(16 * 16, 0.0);
  for (int i = 0; i < n; ++i) {
    const double z = 1 - (2.0 * i + 1) / n, r = std::sqrt(1 - z * z), phi = i * M_PI * (3 - std::sqrt(5.0));
    const auto y = sh_reference({r * std::cos(phi), r * std::sin(phi), z}, 16);
    for (int a = 0; a < 16; ++a)
      for (int b = 0; b < 16; ++b) gram[size_t(16 * a + b)] += y[size_t(a)] * y[size_t(b)] * 4 * M_PI / n;
  }
  for (int a = 0; a < 16; ++a)
    for (int b = 0; b < 16; ++b) EXPECT_NEAR(gram[size_t(16 * a + b)], a == b ? 1.0 : 0.0, 1e-3) << a << "," << b;
}

}  // namespace
}  // namespace nf::fields
