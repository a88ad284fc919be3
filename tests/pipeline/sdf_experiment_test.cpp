#include "pipeline/sdf_experiment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/mesh.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/sdf_export.hpp"
#include "pipeline/sdf_fit.hpp"
#include "pipeline/sdf_metrics.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::pipeline {
namespace {

using test::GpuTest;

// A named SDF recipe at CI size: a small pool and batch (and the hash-grid baseline's table 2^19 -> 2^13
// entries a level, so that Adam's update over the table stays cheap on lavapipe; the CAM MLP 2 x 64 at
// lr 3e-3 instead of 3 x 128 at 1e-3, to train within a CI budget), the rest as published.
json ci_config(const std::string& name, uint32_t batch, uint32_t pool) {
  json c = load_config(name).value;
  c["batch_size"] = batch;
  c["chunk_size"] = batch;
  c["pool"]["size"] = pool;
  if (name == "sdf-hashgrid") c["field"]["encoding"]["log2_table_size"] = 13;
  if (name == "sdf-mlp-cam") {
    c["field"]["network"]["width"] = 64;
    c["field"]["network"]["hidden_layers"] = 2;
    c["optimizer"]["lr"] = 3e-3;
  }
  return c;
}

struct Loaded {
  data::LoadedMesh mesh;
  data::MeshSdf sdf;
  explicit Loaded(const std::string& path) : mesh(data::load_mesh(path)), sdf(mesh.mesh) {}
};

TEST_F(GpuTest, SdfSnapshotRoundTripEvaluatesBitForBit) {
  const Loaded spot(test::asset("meshes/spot.obj"));
  SdfExperiment e(ctx(), ci_config("sdf-rbf", 1024, 4096), "sdf-rbf", &spot.sdf, {"spot", spot.mesh.transform}, 3, 20);
  for (int i = 0; i < 4; ++i) e.train_step();
  Pcg32 rng(5);
  const auto xyz = test::random_floats(3 * 1000, rng, -1, 1);
  const auto before = e.evaluate(xyz);
  const Snapshot snap = e.snapshot(false);
  EXPECT_TRUE(is_sdf_snapshot(snap));
  auto loaded = SdfExperiment::from_snapshot(ctx(), snap, "memory");
  EXPECT_EQ(loaded->steps_done(), 4u);
  EXPECT_EQ(loaded->target_info().transform.scale, spot.mesh.transform.scale);
  EXPECT_EQ(loaded->evaluate(xyz), before);
  Snapshot image = snap;
  image.description["task"] = "image";
  EXPECT_THROW(SdfExperiment::from_snapshot(ctx(), image, "memory"), Error);
}

// With pool.refresh_every = 3, steps 4, 7 and 10 train on fresh pools drawn in the background.
TEST_F(GpuTest, SdfPoolRefreshSwapsInFreshPools) {
  const Loaded spot(test::asset("meshes/spot.obj"));
  json c = ci_config("sdf-rbf", 1024, 4096);
  c["pool"]["refresh_every"] = 3;
  SdfExperiment e(ctx(), c, "sdf-rbf", &spot.sdf, {"spot", spot.mesh.transform}, 3, 10);
  EXPECT_EQ(e.config()["pool"]["refresh_every"], 3);
  for (int i = 0; i < 10; ++i) e.train_step();
  const auto r = e.report();
  EXPECT_EQ(e.pools_used(), 4u);
  EXPECT_TRUE(std::isfinite(r.loss));
  c["pool"]["refresh_evry"] = 3;
  EXPECT_THROW(SdfExperiment(ctx(), c, "sdf-rbf", &spot.sdf, {"spot", spot.mesh.transform}, 3, 10), Error);
}

// Rendered normals are the field's analytic gradient: the mean angle (degrees, over the hit pixels) to
// central differences with step h of the field at the hit points (recovered from the depth view).
double render_normals_vs_differences(SdfExperiment& e, double h) {
  render::OrbitCamera cam;
  cam.width = cam.height = 40;
  render::TraceOptions o;
  o.view = render::TraceView::Depth;
  const Image depth = e.render(cam, o);
  o.view = render::TraceView::Normals;
  const Image normals = e.render(cam, o);
  const auto b = cam.basis();
  const double near_t = cam.distance - std::sqrt(3.0), far_t = cam.distance + std::sqrt(3.0);
  std::vector<float> xyz;
  std::vector<Vec3> analytic;
  for (int py = 0; py < cam.height; ++py)
    for (int px = 0; px < cam.width; ++px) {
      const double d = depth.at(px, py, 0);
      if (d <= 0) continue;
      const Vec3 p = b.origin + cam.ray(b, uint32_t(px), uint32_t(py)) * (near_t + (1 - d) * (far_t - near_t));
      for (int a = 0; a < 3; ++a)
        for (double s : {h, -h}) {
          Vec3 q = p;
          (a == 0 ? q.x : a == 1 ? q.y : q.z) += s;
          xyz.insert(xyz.end(), {float(q.x), float(q.y), float(q.z)});
        }
      analytic.push_back(Vec3{normals.at(px, py, 0), normals.at(px, py, 1), normals.at(px, py, 2)} * 2.0 -
                         Vec3{1, 1, 1});
    }
  EXPECT_GT(analytic.size(), 100u) << "the shape covers part of the frame";
  const auto v = e.evaluate(xyz);
  double sum = 0;
  for (size_t i = 0; i < analytic.size(); ++i) {
    const Vec3 fd{v[6 * i] - v[6 * i + 1], v[6 * i + 2] - v[6 * i + 3], v[6 * i + 4] - v[6 * i + 5]};
    const double c = dot(fd, analytic[i]) / (length(fd) * length(analytic[i]));
    sum += std::acos(std::clamp(c, -1.0, 1.0)) * 180 / M_PI;
  }
  return sum / double(analytic.size());
}

// Training lowers the loss, and the field's inside agrees with the mesh's. Bounds: measured on lavapipe
// with 4096 points a step from a 2^16 pool: sdf-rbf spot (150 steps) IoU 0.978, Chamfer 0.0011 of the
// diagonal; sdf-hashgrid spot (100 steps: its 16 levels cost ~100 ms a step here) 0.956, 0.0015; sdf-rbf
// bunny (150 steps) 0.980, 0.0009. Asserted with margin.
// The exported mesh (64^3) is close to the input: Chamfer-L1 below max_chamfer of the bounding-box diagonal.
void fit_and_check(gpu::Context& ctx, const std::string& config, const std::string& mesh, uint32_t steps,
                   double min_iou, double max_chamfer) {
  const Loaded m(mesh);
  SdfExperiment e(ctx, ci_config(config, 4096, 1u << 16), config, &m.sdf, {mesh, m.mesh.transform}, 1, steps);
  e.train_step();
  const double first = e.report().loss;
  const auto r = fit_sdf(e, {});
  EXPECT_LT(r.last.loss, 0.5 * first) << config << " on " << mesh;
  const double iou = sdf_iou(e, m.sdf, 1u << 15, 9);
  EXPECT_GT(iou, min_iou) << config << " on " << mesh;
  const auto surface = extract_sdf_mesh(e, 64);
  const double chamfer = chamfer_l1(as_mesh(surface), m.mesh.mesh, 8192, 5);
  EXPECT_LT(chamfer, max_chamfer) << config << " on " << mesh;
  // Rendered normals against fine differences (h = 1e-5; measured 0.35 degrees for sdf-rbf, 4.2 for
  // sdf-hashgrid: float32 and ReLU kinks),
  // and, for information, against the h = 2e-3 differences the renderer used before: measured ~3 degrees
  // for sdf-rbf, but ~80 for sdf-hashgrid, whose true gradient at 100 steps is dominated by its fine levels'
  // noise (2e-3 spans ~14 finest cells and smoothed it away; the eikonal term is the remedy).
  const double angle = render_normals_vs_differences(e, 1e-5), coarse = render_normals_vs_differences(e, 2e-3);
  EXPECT_LT(angle, 10.0) << config << " on " << mesh;
  std::printf("%s on %s: %u steps, loss %.5f -> %.5f, IoU %.4f, Chamfer %.5f, rendered normals %.2f deg from "
              "differences at h = 1e-5, %.2f at h = 2e-3\n",
              config.c_str(), mesh.c_str(), steps, first, r.last.loss, iou, chamfer, angle, coarse);
}

TEST_F(GpuTest, SdfRbfFitsSpot) { fit_and_check(ctx(), "sdf-rbf", test::asset("meshes/spot.obj"), 150, 0.95, 0.003); }
TEST_F(GpuTest, SdfHashgridFitsSpot) { fit_and_check(ctx(), "sdf-hashgrid", test::asset("meshes/spot.obj"), 100, 0.93, 0.003); }
// CAM over xyz (a 16^3 grid of gamma/beta per hidden layer) trains an SDF; at this budget it trails the
// unmodulated MLP (IoU 0.72-0.78 against 0.86 over seeds 1-2; Chamfer 0.0068 here; apps/bench/README.md).
TEST_F(GpuTest, SdfMlpCamFitsSpot) { fit_and_check(ctx(), "sdf-mlp-cam", test::asset("meshes/spot.obj"), 120, 0.6, 0.015); }
TEST_F(GpuTest, SdfRbfFitsATorus) { fit_and_check(ctx(), "sdf-rbf", test::test_input("meshes/torus.obj"), 150, 0.95, 0.003); }

// The eikonal term on spot (sdf-rbf at CI size, 100 steps, weight 0.1): IoU, and the mean |grad f| and mean
// (|grad f| - 1)^2 on 8192 uniform points. Measured on lavapipe: without the term (the same run without
// "eikonal") IoU 0.960, mean |grad f| 1.163, mean (|grad f| - 1)^2 0.238, 42.7 steps/s; with it 0.976, 1.005,
// 0.041, 19.2 steps/s (the first step, which compiles the tangent kernels, is not timed).
TEST_F(GpuTest, SdfEikonalTermDrivesGradientNormsTowardOne) {
  const Loaded m(test::asset("meshes/spot.obj"));
  json c = ci_config("sdf-rbf", 4096, 1u << 16);
  c["eikonal"] = {{"weight", 0.1}};
  const uint32_t steps = 100;
  SdfExperiment e(ctx(), c, "sdf-rbf", &m.sdf, {"spot", m.mesh.transform}, 1, steps);
  EXPECT_EQ(e.config()["eikonal"]["weight"], 0.1);
  e.train_step();
  e.report();
  const auto r = fit_sdf(e, {});
  const auto readout = e.eikonal_readout();
  ASSERT_TRUE(readout);
  const double iou = sdf_iou(e, m.sdf, 1u << 15, 9);
  Pcg32 rng(17);
  const auto xyz = test::random_floats(3 * 8192, rng, -1, 1);
  const auto g = e.gradient(xyz);
  double mean_norm = 0, mean_sq = 0;
  for (size_t i = 0; i < xyz.size() / 3; ++i) {
    const double norm = std::sqrt(double(g[3 * i]) * g[3 * i] + double(g[3 * i + 1]) * g[3 * i + 1] +
                                  double(g[3 * i + 2]) * g[3 * i + 2]);
    mean_norm += norm / 8192;
    mean_sq += (norm - 1) * (norm - 1) / 8192;
  }
  std::printf("spot, sdf-rbf + eikonal 0.1, %u steps: IoU %.4f, mean |grad f| %.3f, mean (|grad f| - 1)^2 %.4f "
              "(last step's points: %.4f), %.2f steps/s\n",
              steps, iou, mean_norm, mean_sq, readout->mean_sq, (steps - 1) / r.train_seconds);
  EXPECT_GT(iou, 0.95);
  EXPECT_LT(mean_sq, 0.1);
  EXPECT_LT(std::abs(mean_norm - 1), 0.08);
}

TEST_F(GpuTest, SdfEikonalTermRejectsFieldsWithoutTangents) {
  const Loaded spot(test::asset("meshes/spot.obj"));
  json c = ci_config("sdf-hashgrid", 1024, 4096);
  c["eikonal"] = {{"weight", 0.1}};
  c["field"]["network"]["activation"] = "sine";
  try {
    SdfExperiment e(ctx(), c, "sine", &spot.sdf, {"spot", spot.mesh.transform}, 1, 10);
    ADD_FAILURE() << "a sine MLP has no tangent pass";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("config sine: eikonal: the eikonal term: network (a sine MLP)"),
              std::string::npos)
        << err.what();
  }
  c = ci_config("sdf-rbf", 1024, 4096);
  c["eikonal"] = {{"weight", -1}};
  EXPECT_THROW(SdfExperiment(ctx(), c, "negative", &spot.sdf, {"spot", spot.mesh.transform}, 1, 10), Error);
}

}  // namespace
}  // namespace nf::pipeline
