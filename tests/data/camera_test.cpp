#include "data/camera.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nf::data {
namespace {

TransformsFrame frame(const std::array<double, 16>& m, const TransformsIntrinsics& k) {
  TransformsFrame f;
  f.matrix = m;
  f.intrinsics = k;
  f.where = "test frame";
  return f;
}

void expect_dir(const Vec3& got, const Vec3& unnormalised) {
  const Vec3 want = unnormalised / length(unnormalised);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(got[a], want[a], 1e-12) << "axis " << a;
}

// Blender: a 4 x 4 image with camera_angle_x = 2 atan(1/2) has fx = fy = 4 and the principal point at the
// centre; the camera at world (1, 2, 3), unrotated, looks along -Z. Pixel (0, 0) (top left) has its centre at
// (0.5, 0.5): normalised (-0.375, -0.375) -> direction (-0.375, +0.375, -1) (rows grow downwards, +Y up).
// In the scene, the origin is world * 0.33 + 0.5.
TEST(Camera, BlenderRaysByHand) {
  TransformsIntrinsics k;
  k.camera_angle_x = 2 * std::atan(0.5);
  const Camera c = frame_camera(frame({1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1}, k), SceneBox{}, 4, 4, 1);
  EXPECT_DOUBLE_EQ(c.k.fx, 4);
  EXPECT_DOUBLE_EQ(c.k.fy, 4);
  EXPECT_DOUBLE_EQ(c.k.cx, 2);
  const Ray r = camera_ray(c, 0.5, 0.5);
  expect_dir(r.direction, {-0.375, 0.375, -1});
  EXPECT_NEAR(r.origin.x, 1 * 0.33 + 0.5, 1e-15);
  EXPECT_NEAR(r.origin.z, 3 * 0.33 + 0.5, 1e-15);
  expect_dir(camera_ray(c, 3.5, 2.5).direction, {0.375, -0.125, -1});
}

// instant-ngp: fl_x 100, fl_y 120, cx 30, cy 20 on a 64 x 48 image, a camera rotated 90 degrees about world
// Z (camera +X = world +Y, camera +Y = world -X), at (0, 0, 2) with scale 0.5 and offset (0.5, 0.5, 0.5).
// Pixel (10, 5): normalised x = (10.5 - 30) / 100 = -0.195, y = (5.5 - 20) / 120; camera direction
// (-0.195, 0.120833..., -1) -> world (-0.120833..., -0.195, -1).
TEST(Camera, InstantNgpRaysByHand) {
  TransformsIntrinsics k;
  k.fl_x = 100, k.fl_y = 120, k.cx = 30, k.cy = 20, k.w = 64, k.h = 48;
  SceneBox box;
  box.scale = 0.5;
  const Camera c = frame_camera(frame({0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1}, k), box, 64, 48, 1);
  const Ray r = camera_ray(c, 10.5, 5.5);
  const double y = (5.5 - 20) / 120;
  expect_dir(r.direction, {y, -0.195, -1});
  EXPECT_NEAR(r.origin.z, 2 * 0.5 + 0.5, 1e-15);
  // --downscale 2: the same continuous image point at half the coordinates gives the same ray.
  const Camera half = frame_camera(frame({0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1}, k), box, 64, 48, 2);
  EXPECT_EQ(half.k.width, 32);
  const Ray h = camera_ray(half, 10.5 / 2, 5.5 / 2);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(h.direction[a], r.direction[a], 1e-12);
  // The image must have the file's size.
  EXPECT_THROW(frame_camera(frame({1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, k), box, 64, 47, 1), Error);
}

// Distortion undone and redone: undistort(distort(p)) = p over the image of a real lens, and the ray through
// (u, v) projects back to (u, v).
TEST(Camera, DistortionRoundTrips) {
  const LensDistortion d{-0.28, 0.09, -0.012, 0.0011, -0.0007};
  Pcg32 rng(1);
  for (int i = 0; i < 500; ++i) {
    const double x = rng.uniform(-0.6, 0.6), y = rng.uniform(-0.45, 0.45);
    const auto dp = distort(d, x, y);
    const auto back = undistort(d, dp[0], dp[1]);
    ASSERT_NEAR(back[0], x, 1e-12);
    ASSERT_NEAR(back[1], y, 1e-12);
  }
  TransformsIntrinsics k;
  k.fl_x = 600, k.fl_y = 600, k.cx = 331, k.cy = 238, k.k1 = d.k1, k.k2 = d.k2, k.k3 = d.k3, k.p1 = d.p1, k.p2 = d.p2;
  const Camera c = frame_camera(frame({0.6, 0, 0.8, 1, 0, 1, 0, 0.5, -0.8, 0, 0.6, 2, 0, 0, 0, 1}, k), SceneBox{}, 640,
                                480, 1);
  for (int i = 0; i < 200; ++i) {
    const double u = rng.uniform(0, 640), v = rng.uniform(0, 480);
    const Ray r = camera_ray(c, u, v);
    const auto uv = project(c, r.origin + r.direction * rng.uniform(0.5, 5));
    ASSERT_NEAR(uv[0], u, 1e-8);
    ASSERT_NEAR(uv[1], v, 1e-8);
  }
  // A distorted ray differs from the pinhole one away from the centre.
  Camera pinhole = c;
  pinhole.k.distortion = {};
  EXPECT_GT(length(camera_ray(c, 20, 20).direction - camera_ray(pinhole, 20, 20).direction), 1e-2);
}

TEST(Camera, RayBoxEntersAndLeaves) {
  const Ray r{{-1, 0.5, 0.5}, {1, 0, 0}};
  const auto t = ray_box(r, {0, 0, 0}, {1, 1, 1});
  EXPECT_DOUBLE_EQ(t[0], 1);
  EXPECT_DOUBLE_EQ(t[1], 2);
  const auto miss = ray_box({{-1, 2, 0.5}, {1, 0, 0}}, {0, 0, 0}, {1, 1, 1});
  EXPECT_GT(miss[0], miss[1]);
  const auto inside = ray_box({{0.5, 0.5, 0.5}, {0, 0, -1}}, {0, 0, 0}, {1, 1, 1});
  EXPECT_DOUBLE_EQ(inside[0], -0.5);
  EXPECT_DOUBLE_EQ(inside[1], 0.5);
}

}  // namespace
}  // namespace nf::data
