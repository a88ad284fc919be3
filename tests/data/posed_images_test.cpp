#include "data/posed_images.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/image.hpp"
#include "io/image_io.hpp"
#include "mesh_fixtures.hpp"

namespace nf::data {
namespace {

namespace fs = std::filesystem;

class PosedImages : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nf_posed_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "img");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (dir_ / n).string(); }
  // An RGBA image whose pixel (x, y) encodes (x, y, index) and alpha = 1 except one transparent pixel.
  void image(const std::string& name, int w, int h, int index) {
    Image img(w, h, 4);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        img.at(x, y, 0) = float(x) / 255, img.at(x, y, 1) = float(y) / 255, img.at(x, y, 2) = float(index) / 255;
        img.at(x, y, 3) = x == 0 && y == 0 ? 0.0f : 1.0f;
      }
    write_image(path(name), img);
  }
  json frames(const std::vector<std::string>& files) {
    json a = json::array();
    for (const auto& f : files)
      a.push_back({{"file_path", f}, {"transform_matrix", {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 4}, {0, 0, 0, 1}}}});
    return a;
  }
  void write_json(const std::string& name, const json& j) { std::ofstream(path(name)) << j.dump(); }
  fs::path dir_;
};

// Blender layout: a folder with transforms_train.json and transforms_test.json; file paths without
// extensions; RGBA kept as 8-bit.
TEST_F(PosedImages, BlenderFolderHasTrainAndTestViews) {
  for (int i = 0; i < 3; ++i) image("img/r_" + std::to_string(i) + ".png", 6, 4, i);
  write_json("transforms_train.json", {{"camera_angle_x", 0.8}, {"frames", frames({"./img/r_0", "./img/r_1"})}});
  write_json("transforms_test.json", {{"camera_angle_x", 0.8}, {"frames", frames({"./img/r_2"})}});
  const Scene s = load_scene(dir_.string());
  ASSERT_EQ(s.train.size(), 2u);
  ASSERT_EQ(s.test.size(), 1u);
  EXPECT_EQ(s.test_split, "transforms_test.json");
  EXPECT_TRUE(s.has_alpha);
  EXPECT_EQ(s.image_bytes(), 3u * 6 * 4 * 4);
  const uint32_t p = s.train[1].rgba[2 * 6 + 5];  // pixel (5, 2) of view 1
  EXPECT_EQ(p & 255u, 5u);
  EXPECT_EQ((p >> 8) & 255u, 2u);
  EXPECT_EQ((p >> 16) & 255u, 1u);
  EXPECT_EQ(p >> 24, 255u);
  EXPECT_EQ(s.train[0].rgba[0] >> 24, 0u);
  EXPECT_EQ(s.test[0].camera.k.width, 6);
}

// instant-ngp layout: one transforms.json; every K-th frame is a test view; a missing image is skipped with
// a warning naming it.
TEST_F(PosedImages, HoldoutEveryKAndMissingFramesAreSkippedWithAWarning) {
  std::vector<std::string> files;
  for (int i = 0; i < 7; ++i) {
    files.push_back("img/f" + std::to_string(i) + ".png");
    if (i != 4) image(files.back(), 8, 6, i);
  }
  write_json("transforms.json", {{"fl_x", 10}, {"w", 8}, {"h", 6}, {"frames", frames(files)}});
  test::WarningCapture log;
  SceneOptions o;
  o.holdout_every = 3;
  const Scene s = load_scene(path("transforms.json"), o);
  ASSERT_EQ(s.test.size(), 3u);  // frames 0, 3, 6
  EXPECT_EQ(s.test[1].name, "img/f3.png");
  ASSERT_EQ(s.train.size(), 3u);  // 1, 2, 5 (4 is missing)
  EXPECT_EQ(s.train[2].name, "img/f5.png");
  EXPECT_TRUE(log.has("frame 4 (img/f4.png): skipped")) << (log.warnings().empty() ? "" : log.warnings().front());
}

// A *train*.json takes the matching *test*.json; downscaling averages 2 x 2 blocks weighted by alpha.
TEST_F(PosedImages, SiblingTestFileAndDownscaling) {
  image("img/a.png", 4, 4, 0);
  image("img/b.png", 4, 4, 1);
  write_json("transforms_subset_train.json", {{"camera_angle_x", 0.8}, {"frames", frames({"img/a.png"})}});
  write_json("transforms_subset_test.json", {{"camera_angle_x", 0.8}, {"frames", frames({"img/b.png"})}});
  SceneOptions o;
  o.downscale = 2;
  const Scene s = load_scene(path("transforms_subset_train.json"), o);
  ASSERT_EQ(s.test.size(), 1u);
  EXPECT_EQ(s.train[0].camera.k.width, 2);
  EXPECT_DOUBLE_EQ(s.train[0].camera.k.cx, 1.0);
  // Block (0, 0): pixels x 0..1, y 0..1, (0, 0) transparent: colour = mean of the 3 opaque ones, alpha 3/4.
  const uint32_t p = s.train[0].rgba[0];
  EXPECT_EQ(p & 255u, 1u);          // x: (1 + 0 + 1) / 3 -> 0.67 -> rounds to 1
  EXPECT_EQ(p >> 24, 191u);         // 0.75 * 255
  EXPECT_EQ(s.train[0].rgba.size(), 4u);
}

TEST_F(PosedImages, BadScenesFailNamingTheFileAndFrame) {
  image("img/a.png", 8, 6, 0);
  write_json("transforms.json", {{"fl_x", 10}, {"w", 9}, {"h", 6}, {"frames", frames({"img/a.png"})}});
  try {
    load_scene(dir_.string());
    FAIL() << "an image of the wrong size was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frame 0 (img/a.png): the image is 8x6 pixels but the file says w 9, h 6"),
              std::string::npos) << e.what();
  }
  write_json("transforms.json", {{"fl_x", 10}, {"frames", frames({"img/none.png"})}});
  test::WarningCapture log;
  try {
    load_scene(path("transforms.json"), {.holdout_every = 0});
    FAIL() << "a scene without readable views was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no training view could be read"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_scene(path("nowhere")), Error);
  fs::remove(path("transforms.json"));
  EXPECT_THROW(load_scene(dir_.string()), Error);
}

}  // namespace
}  // namespace nf::data
