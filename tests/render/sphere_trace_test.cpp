#include "render/sphere_trace.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "support/gpu_test.hpp"

namespace nf::render {
namespace {

using test::GpuTest;

// The GPU tracer on an analytic sphere against the double-precision CPU trace of the same algorithm:
// pixels agree within 0.005 except where float rounding flips a silhouette or a step (1% at most).
void check(gpu::Context& ctx, TraceView view, uint32_t batch, const Vec3& target = {}, double normal_h = 0) {
  const Vec3 centre{0.1, -0.05, 0.08};
  AnalyticSphere sphere(ctx, centre, 0.55);
  OrbitCamera cam;
  cam.azimuth_deg = 35;
  cam.elevation_deg = 25;
  cam.distance = 2.8;
  cam.width = 72;
  cam.height = 48;
  cam.target = target;
  TraceOptions o;
  o.view = view;
  o.iterations = 40;
  o.normal_h = normal_h;
  SphereTracer tracer(ctx, batch);
  gpu::Stream stream(ctx, 1);
  const Image gpu_image = tracer.render(stream, sphere.functions(), cam, o);
  const Image ref = sphere_trace_reference([&](const Vec3& p) { return sphere(p); },
                                           [&](const Vec3& p) { return sphere.gradient(p); }, cam, o);
  ASSERT_EQ(gpu_image.pixels.size(), ref.pixels.size());
  size_t off = 0, lit = 0;
  for (size_t p = 0; p < ref.pixels.size() / 3; ++p) {
    double err = 0;
    for (int c = 0; c < 3; ++c)
      err = std::max(err, double(std::abs(gpu_image.pixels[3 * p + c] - ref.pixels[3 * p + c])));
    off += err > 0.005;
    lit += ref.pixels[3 * p] > 0;
  }
  EXPECT_LE(off, ref.pixels.size() / 3 / 100) << "view " << uint32_t(view);
  EXPECT_GT(lit, ref.pixels.size() / 3 / 10) << "the sphere covers part of the frame";
}

TEST_F(GpuTest, SphereTraceShadedMatchesReference) { check(ctx(), TraceView::Shaded, 4096); }
TEST_F(GpuTest, SphereTraceNormalsMatchReferenceInChunks) { check(ctx(), TraceView::Normals, 1000); }
TEST_F(GpuTest, SphereTraceDepthMatchesReference) { check(ctx(), TraceView::Depth, 4096); }
TEST_F(GpuTest, SphereTraceStepsMatchReference) { check(ctx(), TraceView::Steps, 4096); }
// Central-difference normals (h = 0.01) of the sphere agree with its analytic gradient to the same bound.
TEST_F(GpuTest, SphereTraceDifferenceNormalsMatchReference) { check(ctx(), TraceView::Normals, 1000, {}, 0.01); }
// Chunks of an odd size: the point and gradient rows are padded to a multiple of 4.
TEST_F(GpuTest, SphereTraceInOddChunksMatchesReference) { check(ctx(), TraceView::Normals, 999, {}, 0.01); }
TEST_F(GpuTest, SphereTracePannedCameraMatchesReference) { check(ctx(), TraceView::Depth, 4096, {0.3, -0.2, 0.1}); }

// The reference itself: the centre pixel of a head-on view of a sphere at the origin hits at t = d - r,
// with the normal facing the camera (shaded = 1).
TEST(SphereTraceReference, HeadOnSphere) {
  OrbitCamera cam;
  cam.azimuth_deg = 0;
  cam.elevation_deg = 0;
  cam.distance = 3;
  cam.width = cam.height = 9;
  TraceOptions o;
  const auto sdf = [](const Vec3& p) { return length(p) - 0.5; };
  const auto grad = [](const Vec3& p) { return p / length(p); };
  EXPECT_NEAR(sphere_trace_reference(sdf, grad, cam, o).at(4, 4, 0), 1.0, 1e-3);
  o.view = TraceView::Depth;
  const double near_t = 3 - std::sqrt(3.0), far_t = 3 + std::sqrt(3.0);
  EXPECT_NEAR(sphere_trace_reference(sdf, grad, cam, o).at(4, 4, 0), 1 - (2.5 - near_t) / (far_t - near_t), 2e-3);
  EXPECT_EQ(sphere_trace_reference(sdf, grad, cam, o).at(0, 0, 0), 0.0f);  // a miss
  EXPECT_THROW(parse_trace_view("x"), Error);
  // A panned camera looks at its target: a sphere there is hit head-on in the centre pixel.
  cam.target = Vec3{0.3, 0.2, -0.1};
  o.view = TraceView::Shaded;
  const auto moved = [&](const Vec3& p) { return length(p - cam.target) - 0.3; };
  const auto moved_grad = [&](const Vec3& p) { return (p - cam.target) / length(p - cam.target); };
  EXPECT_NEAR(sphere_trace_reference(moved, moved_grad, cam, o).at(4, 4, 0), 1.0, 1e-3);
  EXPECT_NEAR(cam.basis().origin.x, 0.3, 1e-12);
  EXPECT_NEAR(cam.basis().origin.z, 2.9, 1e-12);
  cam.fov_deg = 180;
  EXPECT_THROW(cam.basis(), Error);
}

}  // namespace
}  // namespace nf::render
