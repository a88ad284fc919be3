#include "pipeline/configs.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace nf::pipeline {
namespace {

TEST(Configs, NamedConfigsAreEmbeddedAndValidJson) {
  const auto names = config_names();
  ASSERT_FALSE(names.empty());
  for (const auto& n : names) EXPECT_NO_THROW(load_config(n)) << n;
  EXPECT_EQ(load_config("rbf").value["field"]["network"]["type"], "rbf");
}

TEST(Configs, RbfReproducesThePublishedDefaults) {
  // DESIGN.md 4.1 / the official main_rgb.py + configs/rgb.yaml.
  const json c = load_config("rbf").value;
  EXPECT_EQ(c["field"]["encoding"]["resolutions"], json({32, 51, 70, 89, 108, 128}));
  EXPECT_EQ(c["field"]["encoding"]["channels"], json({4, 4, 4, 2, 2, 2}));
  EXPECT_EQ(c["field"]["network"]["neurons"], 64);
  EXPECT_EQ(c["loss"]["type"], "l1");
  EXPECT_EQ(c["optimizer"]["lr"], 1e-2);
  EXPECT_EQ(c["schedule"]["decay"], 0.1);
  EXPECT_EQ(c["steps"], 15000);
  EXPECT_EQ(c["batch_size"], 1 << 18);
}

TEST(Configs, CamRecipesFollowTheOfficialCode) {
  // DESIGN.md 4.2 / official CAM_image.py: Fourier features (256, sigma 10 on (0,1) coordinates), 3 x 256
  // ReLU, sigmoid, Adam 1e-3 decayed x0.1 at 50% and 75%, 2000 steps, every pixel each step; CAM grids
  // 32x32 at 10x the learning rate.
  const json ffn = load_config("ffn").value, cam = load_config("ffn-cam").value;
  EXPECT_EQ(ffn["field"]["encoding"]["frequencies"], 256);
  EXPECT_EQ(ffn["field"]["encoding"]["sigma"], 5.0);
  EXPECT_EQ(ffn["field"]["network"]["width"], 256);
  EXPECT_EQ(ffn["field"]["network"]["hidden_layers"], 3);
  EXPECT_EQ(ffn["field"]["network"]["output_activation"], "sigmoid");
  EXPECT_EQ(ffn["optimizer"]["lr"], 1e-3);
  EXPECT_EQ(ffn["schedule"]["milestones"], json({0.5, 0.75}));
  EXPECT_EQ(ffn["steps"], 2000);
  EXPECT_EQ(ffn["sampling"], "all");
  EXPECT_FALSE(ffn["field"]["network"].contains("modulation"));
  EXPECT_EQ(cam["field"]["network"]["modulation"]["resolution"], 32);
  EXPECT_EQ(cam["field"]["network"]["modulation"]["lr_scale"], 10.0);
  json stripped = cam;
  stripped["field"]["network"].erase("modulation");
  stripped.erase("description");
  json plain = ffn;
  plain.erase("description");
  EXPECT_EQ(stripped, plain) << "ffn-cam must be ffn plus the modulation, nothing else";
}

TEST(Configs, UnknownNameListsTheKnownOnes) {
  try {
    load_config("rfb");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no config named 'rfb' (built in: "), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_config("/no/such/file.json"), Error);
}

TEST(Configs, OverridesSetNestedValues) {
  json c = {{"a", {{"b", 1}}}};
  apply_override(c, "a.b=2");
  apply_override(c, "a.c.d=[1,2]");
  apply_override(c, "e=word");
  EXPECT_EQ(c["a"]["b"], 2);
  EXPECT_EQ(c["a"]["c"]["d"], json({1, 2}));
  EXPECT_EQ(c["e"], "word");
  EXPECT_THROW(apply_override(c, "novalue"), Error);
  EXPECT_THROW(apply_override(c, "a.b.x=1"), Error);
}

}  // namespace
}  // namespace nf::pipeline
