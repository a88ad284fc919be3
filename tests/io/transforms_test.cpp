#include "io/transforms.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace nf {
namespace {

namespace fs = std::filesystem;

class Transforms : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nf_transforms_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto p = (dir_ / name).string();
    std::ofstream(p) << text;
    return p;
  }
  std::string error_of(const std::string& text) {
    const auto p = write("bad.json", text);
    try {
      read_transforms(p);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

const std::string kIdentity = "[[1,0,0,1],[0,1,0,2],[0,0,1,3],[0,0,0,1]]";

TEST_F(Transforms, ReadsTheBlenderFormat) {
  const auto p = write("transforms_train.json", std::string(R"({"camera_angle_x": 0.6911, "frames": [
      {"file_path": "./train/r_0", "rotation": 0.012, "transform_matrix": )") + kIdentity + R"(},
      {"file_path": "./train/r_1", "transform_matrix": [[0,-1,0,0.5],[1,0,0,0],[0,0,1,4],[0,0,0,1]]}]})");
  const TransformsFile t = read_transforms(p);
  EXPECT_EQ(t.aabb_scale, 1);
  EXPECT_DOUBLE_EQ(t.scale, 0.33);
  EXPECT_EQ(t.offset, (Vec3{0.5, 0.5, 0.5}));
  ASSERT_EQ(t.frames.size(), 2u);
  EXPECT_EQ(t.frames[1].file_path, "./train/r_1");
  EXPECT_DOUBLE_EQ(*t.frames[0].intrinsics.camera_angle_x, 0.6911);
  EXPECT_EQ(t.frames[1].matrix[1], -1);
  EXPECT_EQ(t.frames[1].matrix[11], 4);
  EXPECT_FALSE(t.frames[0].intrinsics.distortion().any());
}

TEST_F(Transforms, ReadsInstantNgpsFormatWithPerFrameIntrinsics) {
  const auto p = write("transforms.json", std::string(R"({"fl_x": 500, "fl_y": 510, "cx": 320.5, "cy": 240, "w": 640,
      "h": 480, "k1": -0.1, "k2": 0.01, "p1": 0.001, "p2": -0.002, "aabb_scale": 16, "scale": 0.5,
      "offset": [0.4, 0.5, 0.6], "camera_model": "OPENCV", "frames": [
      {"file_path": "images/0001.jpg", "sharpness": 30, "transform_matrix": )") + kIdentity + R"(},
      {"file_path": "images/0002.jpg", "fl_x": 700, "k3": 0.002, "transform_matrix": )" + kIdentity + "}]}");
  const TransformsFile t = read_transforms(p);
  EXPECT_EQ(t.aabb_scale, 16);
  EXPECT_EQ(t.scale, 0.5);
  EXPECT_EQ(t.offset, (Vec3{0.4, 0.5, 0.6}));
  EXPECT_EQ(*t.frames[0].intrinsics.fl_x, 500);
  EXPECT_EQ(*t.frames[1].intrinsics.fl_x, 700);  // the frame's own
  EXPECT_EQ(*t.frames[1].intrinsics.fl_y, 510);  // the file's
  EXPECT_EQ(*t.frames[1].intrinsics.w, 640);
  EXPECT_EQ(t.frames[0].intrinsics.distortion(), (LensDistortion{-0.1, 0.01, 0, 0.001, -0.002}));
  EXPECT_EQ(t.frames[1].intrinsics.distortion().k3, 0.002);
}

// Every kind of bad file: one error naming the file, the frame (index and file_path) and the problem.
TEST_F(Transforms, BadFilesNameTheFileTheFrameAndTheProblem) {
  auto frame = [](const std::string& matrix) {
    return std::string(R"({"camera_angle_x": 0.7, "frames": [{"file_path": "a", "transform_matrix": )") + kIdentity +
           R"(}, {"file_path": "b/c.png", "transform_matrix": )" + matrix + "}]}";
  };
  const std::pair<std::string, std::string> cases[] = {
      {R"({"camera_angle_x": 0.7})", "bad.json: no 'frames' list"},
      {R"({"camera_angle_x": 0.7, "frames": []})", "bad.json: 'frames' is empty"},
      {frame("[[1,0,0,1],[0,1,0,2],[0,0,1,3]]"), "frame 1 (b/c.png): 'transform_matrix' is not a 4x4 matrix"},
      {frame("[[2,0,0,1],[0,1,0,2],[0,0,1,3],[0,0,0,1]]"), "frame 1 (b/c.png): 'transform_matrix' is not a rigid transform"},
      {frame("[[-1,0,0,1],[0,1,0,2],[0,0,1,3],[0,0,0,1]]"), "frame 1 (b/c.png): 'transform_matrix' is a reflection"},
      {frame("[[1,0,0,1],[0,1,0,2],[0,0,1,3],[0,0,1,1]]"), "frame 1 (b/c.png): 'transform_matrix' has last row"},
      {frame(R"([[1,0,0,"x"],[0,1,0,2],[0,0,1,3],[0,0,0,1]])"), "frame 1 (b/c.png): 'transform_matrix' holds a non-number"},
      {R"({"camera_angle_x": 0.7, "frames": [{"transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]}]})",
       "bad.json: frame 0: no 'file_path'"},
      {R"({"aabb_scale": 3, "frames": []})", "'aabb_scale' must be a power of two"},
      {R"({"fl_x": "wide", "frames": []})", "'fl_x' must be a number"},
      {R"({"camera_angle_x": 4, "frames": []})", "'camera_angle_x' must be a field of view"},
      {R"({"camera_model": "OPENCV_FISHEYE", "frames": []})", "camera_model \"OPENCV_FISHEYE\" is not supported"},
      {R"({"offset": [1, 2], "frames": []})", "'offset' must be a number or 3 numbers"},
      {R"([1, 2])", "bad.json: not a JSON object"},
      {R"({"frames": [)", "bad.json: invalid JSON"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string e = error_of(text);
    EXPECT_NE(e.find(expected), std::string::npos) << "got: " << e << "\nexpected: " << expected;
    EXPECT_NE(e.find("bad.json"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace nf
