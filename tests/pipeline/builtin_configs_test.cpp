// Every built-in image and SDF config builds its experiment and takes training steps that change the
// parameters with a finite loss (the radiance configs: radiance_experiment_test.cpp). Sizes are cut for CI
// (batch, pool, hash tables); the architecture of each config is unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "core/image.hpp"
#include "data/mesh.hpp"
#include "data/mesh_sdf.hpp"
#include "io/image_io.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_experiment.hpp"
#include "pipeline/sdf_experiment.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::pipeline {
namespace {

using test::GpuTest;

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

json small(const std::string& name) {
  json c = load_config(name).value;
  if (c.value("sampling", "") != "all") c["batch_size"] = 256;  // "all": every pixel of the small crop
  if (c["field"].contains("encoding") && c["field"]["encoding"].contains("log2_table_size"))
    c["field"]["encoding"]["log2_table_size"] = 12;
  return c;
}

template <class Experiment>
void expect_steps_train(Experiment& e, const std::string& name) {
  const auto before = e.snapshot(false).parameters;
  for (int i = 0; i < 2; ++i) e.train_step();
  const auto r = e.report();
  EXPECT_EQ(r.step, 2u) << name;
  EXPECT_TRUE(std::isfinite(r.loss) && r.loss > 0) << name << ": loss " << r.loss;
  const auto after = e.snapshot(false).parameters;
  ASSERT_EQ(before.size(), after.size()) << name;
  size_t changed = 0;
  for (size_t i = 0; i < before.size(); ++i) changed += before[i] != after[i];
  EXPECT_GT(changed, 0u) << name << ": no parameter changed";
  for (float v : after) ASSERT_TRUE(std::isfinite(v)) << name;
}

TEST_F(GpuTest, EveryBuiltInImageConfigTakesTrainingSteps) {
  const Image target = read_image(test::test_input("images/kodim03_x300_y200.png"));
  int tested = 0;
  for (const auto& name : config_names()) {
    if (starts_with(name, "sdf-") || starts_with(name, "nerf-")) continue;
    SCOPED_TRACE(name);
    ImageExperiment e(ctx(), small(name), name, &target, {"crop", target.width, target.height, target.channels}, 1, 10);
    expect_steps_train(e, name);
    ++tested;
  }
  EXPECT_GE(tested, 8) << "rbf, hashgrid, ffn, siren, their CAM variants, ffn-fresh";
}

TEST_F(GpuTest, EveryBuiltInSdfConfigTakesTrainingSteps) {
  const auto mesh = data::load_mesh(test::test_input("meshes/torus.obj"));
  const data::MeshSdf sdf(mesh.mesh);
  int tested = 0;
  for (const auto& name : config_names()) {
    if (!starts_with(name, "sdf-")) continue;
    SCOPED_TRACE(name);
    json c = small(name);
    c["chunk_size"] = 256;
    c["pool"]["size"] = 4096;
    SdfExperiment e(ctx(), c, name, &sdf, {"torus", mesh.transform}, 1, 10);
    expect_steps_train(e, name);
    ++tested;
  }
  EXPECT_GE(tested, 5) << "sdf-rbf, sdf-rbf-difgrid, sdf-hashgrid, sdf-mlp, sdf-mlp-cam";
}

}  // namespace
}  // namespace nf::pipeline
