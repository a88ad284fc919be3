#include "render/sphere_trace.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::render {
namespace {

constexpr uint32_t kGroupSize = 64;
// Iterations between two compactions of the marching rays (each costs a host round trip).
constexpr uint32_t kRoundIterations = 8;
constexpr double kPi = 3.14159265358979323846;

struct CameraPush {
  float origin[4], forward[4], right[4], up[4];
};
struct InitPush {
  CameraPush cam;
  uint32_t width, height, first, n;
};
struct PositionsPush {
  CameraPush cam;
  float offset[4];  // added to every point (central differences)
  uint32_t width, height, first, n;
};
struct DifferencePush {
  uint32_t n, stride, axis, first_half;
  float scale;
};
struct UpdatePush {
  uint32_t n;
  float epsilon, step_scale;
};
struct CompactPush {
  uint32_t n, mode;
};
struct ShadePush {
  float forward[4];
  uint32_t n, view, max_steps, stride;
  float near_t, far_t, pad1, pad2;
};

CameraPush camera_push(const OrbitCamera::Basis& b, float w = 0) {
  return {{float(b.origin.x), float(b.origin.y), float(b.origin.z), w},
          {float(b.forward.x), float(b.forward.y), float(b.forward.z), float(b.tan_half)},
          {float(b.right.x), float(b.right.y), float(b.right.z), 0},
          {float(b.up.x), float(b.up.y), float(b.up.z), 0}};
}

Vec3 normalize(const Vec3& v) { return v / length(v); }

// The depth view's range: the box [-1, 1]^3 lies within sqrt(3) of the origin.
std::pair<double, double> depth_range(const OrbitCamera::Basis& b) {
  const double d = length(b.origin);
  return {d - std::sqrt(3.0), d + std::sqrt(3.0)};
}

}  // namespace

OrbitCamera::Basis OrbitCamera::basis() const {
  if (width < 1 || height < 1) fail("camera: image size ", width, "x", height);
  if (!(distance > 0)) fail("camera: distance ", distance, " (must be > 0)");
  if (!(fov_deg > 0 && fov_deg < 180)) fail("camera: fov ", fov_deg, " degrees (must be in (0, 180))");
  const double az = azimuth_deg * kPi / 180, el = elevation_deg * kPi / 180;
  Basis b;
  const Vec3 back = Vec3{std::cos(el) * std::sin(az), std::sin(el), std::cos(el) * std::cos(az)};
  b.origin = target + back * distance;
  b.forward = -back;
  Vec3 right = cross(b.forward, Vec3{0, 1, 0});
  if (length(right) < 1e-9) right = Vec3{1, 0, 0};  // looking straight up or down
  b.right = normalize(right);
  b.up = cross(b.right, b.forward);
  b.tan_half = std::tan(fov_deg * kPi / 360);
  return b;
}

Vec3 OrbitCamera::ray(const Basis& b, uint32_t px, uint32_t py) const {
  const double aspect = double(width) / height;
  const double sx = (2.0 * (px + 0.5) / width - 1.0) * b.tan_half * aspect;
  const double sy = (1.0 - 2.0 * (py + 0.5) / height) * b.tan_half;
  return normalize(b.forward + b.right * sx + b.up * sy);
}

TraceView parse_trace_view(const std::string& name) {
  if (name == "shaded") return TraceView::Shaded;
  if (name == "normals") return TraceView::Normals;
  if (name == "depth") return TraceView::Depth;
  if (name == "steps") return TraceView::Steps;
  fail("view '", name, "' (use shaded, normals, depth or steps)");
}

SphereTracer::SphereTracer(gpu::Context& ctx, uint32_t max_batch)
    : batch_(max_batch),
      x_(ctx, 3, max_batch, "trace points"),
      y_(ctx, 1, max_batch, "trace distances"),
      grad_(ctx, 3, max_batch, "trace gradients"),
      state_(ctx, uint64_t(max_batch) * 16, "trace ray state"),
      rgb_(ctx, uint64_t(max_batch) * 12, "trace colours"),
      lists_{gpu::Buffer(ctx, uint64_t(max_batch) * 4, "trace ray list"),
             gpu::Buffer(ctx, uint64_t(max_batch) * 4, "trace ray list")},
      slot_(ctx, uint64_t(max_batch) * 4, "trace hit slots"),
      counter_(ctx, 4, "trace ray count", gpu::MemoryUsage::Host),
      init_(ctx, {"render/trace_init", std::vector(3, gpu::BindingKind::Storage), sizeof(InitPush), kGroupSize, {}}),
      positions_(ctx, {"render/trace_positions", std::vector(3, gpu::BindingKind::Storage), sizeof(PositionsPush),
                       kGroupSize, {}}),
      update_(ctx, {"render/trace_update", std::vector(3, gpu::BindingKind::Storage), sizeof(UpdatePush), kGroupSize, {}}),
      difference_(ctx, {"render/trace_difference", std::vector(2, gpu::BindingKind::Storage), sizeof(DifferencePush),
                        kGroupSize, {}}),
      compact_(ctx, {"render/trace_compact", std::vector(5, gpu::BindingKind::Storage), sizeof(CompactPush), kGroupSize, {}}),
      shade_(ctx, {"render/trace_shade", std::vector(4, gpu::BindingKind::Storage), sizeof(ShadePush), kGroupSize, {}}) {
  NF_ASSERT(max_batch > 0, "sphere tracer with an empty batch");
}

Image SphereTracer::render(gpu::Stream& stream, const SdfFunctions& sdf, const OrbitCamera& camera,
                           const TraceOptions& o) {
  const auto b = camera.basis();
  const uint64_t pixels = uint64_t(camera.width) * camera.height;
  Image image(camera.width, camera.height, 3);
  // Submits what was recorded, waits, and returns the counter the commands appended to.
  auto finish = [&]() {
    stream.submit();
    stream.wait();
    uint32_t count = 0;
    counter_.download(&count, 4);
    return count;
  };
  for (uint64_t first = 0; first < pixels; first += batch_) {
    const uint32_t n = uint32_t(std::min<uint64_t>(batch_, pixels - first));
    gpu::CommandList* cmd = &stream.begin();
    cmd->fill(counter_, 0);
    const InitPush ip{camera_push(b), uint32_t(camera.width), uint32_t(camera.height), uint32_t(first), n};
    cmd->dispatch(init_, gpu::Groups::linear(n, kGroupSize),
                  {gpu::Bind::out(state_), gpu::Bind::out(lists_[0]), gpu::Bind::inout(counter_)}, ip);
    uint32_t active = finish(), list = 0;
    // The marching rays only, in rounds: each iteration evaluates the field on the round's list (rays that
    // finish within a round are skipped by the update), then the list is compacted.
    auto positions = [&](gpu::Buffer& rays, uint32_t count, Vec3 offset = {}) {
      const PositionsPush pp{camera_push(b, float(x_.capacity)),
                             {float(offset.x), float(offset.y), float(offset.z), 0},
                             uint32_t(camera.width),
                             uint32_t(camera.height),
                             uint32_t(first),
                             count};
      cmd->dispatch(positions_, gpu::Groups::linear(count, kGroupSize),
                    {gpu::Bind::in(state_), gpu::Bind::out(x_.buffer), gpu::Bind::in(rays)}, pp);
    };
    for (uint32_t it = 0; it < o.iterations && active > 0;) {
      const uint32_t round = std::min(kRoundIterations, o.iterations - it);
      cmd = &stream.begin();
      for (uint32_t r = 0; r < round; ++r) {
        positions(lists_[list], active);
        sdf.value(*cmd, x_.view(), y_.view(), active);
        const UpdatePush up{active, float(o.epsilon), float(o.step_scale)};
        cmd->dispatch(update_, gpu::Groups::linear(active, kGroupSize),
                      {gpu::Bind::inout(state_), gpu::Bind::in(y_.buffer), gpu::Bind::in(lists_[list])}, up);
      }
      cmd->fill(counter_, 0);
      cmd->dispatch(compact_, gpu::Groups::linear(active, kGroupSize),
                    {gpu::Bind::in(state_), gpu::Bind::in(lists_[list]), gpu::Bind::out(lists_[1 - list]),
                     gpu::Bind::inout(counter_), gpu::Bind::out(slot_)},
                    CompactPush{active, 0});
      active = finish();
      list = 1 - list;
      it += round;
    }
    // The hits, their gradients, then every pixel's colour.
    cmd = &stream.begin();
    cmd->fill(counter_, 0);
    cmd->dispatch(compact_, gpu::Groups::linear(n, kGroupSize),
                  {gpu::Bind::in(state_), gpu::Bind::in(lists_[list]), gpu::Bind::out(lists_[1 - list]),
                   gpu::Bind::inout(counter_), gpu::Bind::out(slot_)},
                  CompactPush{n, 1});
    const uint32_t hits = finish();
    cmd = &stream.begin();
    if (hits > 0 && o.normal_h > 0) {
      for (uint32_t axis = 0; axis < 3; ++axis)
        for (int side = -1; side <= 1; side += 2) {
          Vec3 offset;
          (axis == 0 ? offset.x : axis == 1 ? offset.y : offset.z) = side * o.normal_h;
          positions(lists_[1 - list], hits, offset);
          sdf.value(*cmd, x_.view(), y_.view(), hits);
          cmd->dispatch(difference_, gpu::Groups::linear(hits, kGroupSize),
                        {gpu::Bind::in(y_.buffer), gpu::Bind::inout(grad_.buffer)},
                        DifferencePush{hits, grad_.capacity, axis, side < 0 ? 1u : 0u, float(side / (2 * o.normal_h))});
        }
    } else if (hits > 0) {
      positions(lists_[1 - list], hits);
      sdf.gradient(*cmd, x_.view(), y_.view(), grad_.view(), hits);
    }
    const ShadePush sp{{float(b.forward.x), float(b.forward.y), float(b.forward.z), 0}, n, uint32_t(o.view),
                       o.iterations, grad_.capacity, float(depth_range(b).first), float(depth_range(b).second), 0, 0};
    cmd->dispatch(shade_, gpu::Groups::linear(n, kGroupSize),
                  {gpu::Bind::in(state_), gpu::Bind::in(grad_.buffer), gpu::Bind::out(rgb_), gpu::Bind::in(slot_)}, sp);
    stream.submit();
    stream.wait();
    rgb_.download(image.pixels.data() + first * 3, uint64_t(n) * 12);
  }
  return image;
}

namespace {
struct SpherePush {
  float sphere[4];
  uint32_t n, stride, with_gradient;
};
}  // namespace

AnalyticSphere::AnalyticSphere(gpu::Context& ctx, const Vec3& centre, double radius)
    : centre_(centre),
      radius_(radius),
      program_(ctx, {"render/sphere_sdf", std::vector(3, gpu::BindingKind::Storage), sizeof(SpherePush), kGroupSize, {}}) {}

SdfFunctions AnalyticSphere::functions() {
  return {[this](gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, uint32_t n) {
            record(cmd, x, y, nullptr, n);
          },
          [this](gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, const nn::BatchView& grad,
                 uint32_t n) { record(cmd, x, y, &grad, n); }};
}

void AnalyticSphere::record(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y,
                            const nn::BatchView* grad, uint32_t n) {
  NF_ASSERT(x.dims == 3 && y.dims == 1 && x.stride == y.stride &&
                (!grad || (grad->dims == 3 && grad->stride == x.stride)),
            "analytic sphere: wrong batch shapes");
  const SpherePush p{
      {float(centre_.x), float(centre_.y), float(centre_.z), float(radius_)}, n, x.stride, grad ? 1u : 0u};
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*x.buffer), gpu::Bind::out(*y.buffer),
                grad ? gpu::Bind::out(*grad->buffer) : gpu::Bind::in(*x.buffer)},
               p);
}

Image sphere_trace_reference(const std::function<double(const Vec3&)>& sdf,
                             const std::function<Vec3(const Vec3&)>& gradient, const OrbitCamera& camera,
                             const TraceOptions& o) {
  const auto b = camera.basis();
  Image image(camera.width, camera.height, 3);
  const auto [near_t, far_t] = depth_range(b);
  for (int py = 0; py < camera.height; ++py)
    for (int px = 0; px < camera.width; ++px) {
      const Vec3 d = camera.ray(b, uint32_t(px), uint32_t(py));
      double t0 = 0, t1 = 1e30;
      const double oc[3] = {b.origin.x, b.origin.y, b.origin.z}, dc[3] = {d.x, d.y, d.z};
      for (int a = 0; a < 3; ++a) {
        if (std::abs(dc[a]) < 1e-12) {
          if (std::abs(oc[a]) > 1) t1 = -1;
          continue;
        }
        const double ta = (-1 - oc[a]) / dc[a], tb = (1 - oc[a]) / dc[a];
        t0 = std::max(t0, std::min(ta, tb));
        t1 = std::min(t1, std::max(ta, tb));
      }
      int status = t0 <= t1 ? 0 : 2;
      double t = t0, steps = 0;
      for (uint32_t it = 0; it < o.iterations && status == 0; ++it) {
        const double v = sdf(b.origin + d * t);
        if (std::abs(v) < o.epsilon) {
          status = 1;
          break;
        }
        t += o.step_scale * v;
        steps += 1;
        if (t > t1 || t < 0) status = 2;
      }
      const Vec3 p = b.origin + d * t;
      const Vec3 g = status == 1 ? gradient(p) : Vec3{};
      const Vec3 nrm = length(g) > 0 ? g / length(g) : Vec3{};
      Vec3 c;
      if (o.view == TraceView::Steps) c = Vec3{1, 1, 1} * (steps / o.iterations);
      else if (status == 1) {
        if (o.view == TraceView::Shaded) c = Vec3{1, 1, 1} * (0.1 + 0.9 * std::max(dot(nrm, -b.forward), 0.0));
        else if (o.view == TraceView::Normals) c = (nrm + Vec3{1, 1, 1}) * 0.5;
        else c = Vec3{1, 1, 1} * std::clamp(1 - (t - near_t) / (far_t - near_t), 0.0, 1.0);
      }
      float* out = &image.pixels[(size_t(py) * camera.width + px) * 3];
      out[0] = float(c.x);
      out[1] = float(c.y);
      out[2] = float(c.z);
    }
  return image;
}

}  // namespace nf::render
