#pragma once
// Sphere tracing an SDF field, wavefront style on the GPU: for a chunk of pixels, every iteration records
// positions (o + t d for each marching ray) -> one batched field evaluation -> a march update (hit when
// |sdf| < epsilon, else t += step_scale * sdf, miss past the box [-1, 1]^3), for a fixed number of
// iterations. Only rays that enter the box march, and the marching rays are compacted into a shorter list
// every 8 iterations (one host round trip each), so finished rays stop costing evaluations. Normals are
// the field's analytic gradient at the hits (one batched gradient evaluation of the hits only:
// fields::Field::input_gradient for learnt fields). Views: shaded (grey Lambert, head
// light), normals, depth, step count. sphere_trace_reference() is the double-precision CPU version of the
// same algorithm, for tests.
#include <functional>

#include "core/image.hpp"
#include "core/vec3.hpp"
#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "gpu/stream.hpp"
#include "nn/batch.hpp"

namespace nf::render {

// Looks at target from target + distance * (cos(el) sin(az), sin(el), cos(el) cos(az)), +Y up; fov is
// vertical. The target is the origin unless panned (the viewer).
struct OrbitCamera {
  double azimuth_deg = 30, elevation_deg = 20, distance = 3.0, fov_deg = 40;
  int width = 512, height = 512;
  Vec3 target{0, 0, 0};

  struct Basis {
    Vec3 origin, forward, right, up;
    double tan_half;
  };
  Basis basis() const;  // throws on a non-positive size, distance or a fov outside (0, 180)
  Vec3 ray(const Basis& b, uint32_t px, uint32_t py) const;  // unit direction through pixel (px, py), y down
};

enum class TraceView : uint32_t { Shaded = 0, Normals = 1, Depth = 2, Steps = 3 };
TraceView parse_trace_view(const std::string& name);  // "shaded" | "normals" | "depth" | "steps"

struct TraceOptions {
  uint32_t iterations = 96;
  double epsilon = 1e-3;    // hit threshold, normalised units
  double step_scale = 0.9;  // < 1 for learnt fields, which are only approximately distances
  TraceView view = TraceView::Shaded;
  // Normals: 0 = the field's analytic gradient; h > 0 = central differences with step h (six evaluations
  // at each hit), which smooths over detail finer than h: hash-grid fields trained without the eikonal term
  // have noisy fine levels (instant-ngp shades its SDFs this way by default).
  double normal_h = 0;
};

// An SDF on the GPU, over feature-major batches (x 3 dims; y 1 dim; grad 3 dims, all of one stride).
struct SdfFunctions {
  // Records y = sdf(x) for n points.
  std::function<void(gpu::CommandList&, const nn::BatchView& x, const nn::BatchView& y, uint32_t n)> value;
  // Records y = sdf(x) and grad = its gradient for n points.
  std::function<void(gpu::CommandList&, const nn::BatchView& x, const nn::BatchView& y, const nn::BatchView& grad,
                     uint32_t n)>
      gradient;
};

class SphereTracer {
 public:
  // max_batch: the most points one evaluation takes (pixels per chunk).
  SphereTracer(gpu::Context& ctx, uint32_t max_batch);
  // RGB image of the camera's size (waits).
  Image render(gpu::Stream& stream, const SdfFunctions& sdf, const OrbitCamera& camera, const TraceOptions& options);

 private:
  uint32_t batch_;
  nn::BatchBuffer x_, y_, grad_;
  gpu::Buffer state_, rgb_;
  gpu::Buffer lists_[2], slot_, counter_;  // ray lists (marching rays, ping-pong; hits), hit slots, list length
  gpu::Program init_, positions_, update_, difference_, compact_, shade_;
};

// An analytic sphere SDF on the GPU (|x - centre| - radius, gradient (x - centre) / |x - centre|): the
// reference field for tests.
class AnalyticSphere {
 public:
  AnalyticSphere(gpu::Context& ctx, const Vec3& centre, double radius);
  SdfFunctions functions();
  double operator()(const Vec3& p) const { return length(p - centre_) - radius_; }
  Vec3 gradient(const Vec3& p) const { return (p - centre_) / length(p - centre_); }

 private:
  void record(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, const nn::BatchView* grad,
              uint32_t n);

  Vec3 centre_;
  double radius_;
  gpu::Program program_;
};

// The CPU trace: sdf for marching, gradient for the normals.
Image sphere_trace_reference(const std::function<double(const Vec3&)>& sdf,
                             const std::function<Vec3(const Vec3&)>& gradient, const OrbitCamera& camera,
                             const TraceOptions& options);

}  // namespace nf::render
