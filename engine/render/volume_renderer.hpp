#pragma once
// Volume rendering of marched samples (shaders/radiance/composite.comp): per ray the colour composited front
// to back on its background, the expected depth sum_j w_j t_j and the opacity, stopping once the
// transmittance falls below min_transmittance; while training also the loss against the rays' targets and
// its gradient with respect to every used sample's colour and density (the field's outputs), so the whole
// step stays on the GPU. volume_render_reference() is the double-precision reference.
//
// Loss config ("loss" of a radiance experiment): {"type": "l2"} or {"type": "huber", "delta": 0.1}, per colour
// channel, averaged over rays x 3.
#include <vector>

#include "core/config.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::render {

enum class RayLoss : uint32_t { None = 0, L2 = 1, Huber = 2 };

struct RayLossConfig {
  RayLoss kind = RayLoss::L2;
  float delta = 0.1f;
  static RayLossConfig from_config(ConfigReader& c);
  json config() const;
};

// Rows of the per-ray results: colour (0-2), expected depth (3), opacity (4), samples used (5).
struct ResultRows {
  static constexpr uint32_t kColor = 0, kDepth = 3, kOpacity = 4, kUsed = 5, kCount = 6;
};

class VolumeRenderer {
 public:
  static constexpr float kMinTransmittance = 1e-4f;

  VolumeRenderer(gpu::Context& ctx, const RayLossConfig& loss, uint32_t max_rays);

  const RayLossConfig& loss() const { return loss_; }
  nn::BatchView results() { return results_.view(); }

  // Records the rendering of rays [0, n): ray_info and samples from the RayMarcher, outs = the field's outputs
  // (rows 0-2 colour, 3 density) for the samples, rays = the ray batch (targets and backgrounds). With a loss
  // (train), d_outs gets dL/d(outs) for the samples used; the caller zeroes d_outs first.
  void render(gpu::CommandList& cmd, uint32_t n, gpu::Buffer& ray_info, const nn::BatchView& samples,
              const nn::BatchView& outs, const nn::BatchView& rays);
  void train(gpu::CommandList& cmd, uint32_t n, gpu::Buffer& ray_info, const nn::BatchView& samples,
             const nn::BatchView& outs, const nn::BatchView& rays, const nn::BatchView& d_outs);

  // Host read-back of the last train() over n rays (wait first): mean loss and mean squared error per channel
  // over the rays that were not dropped.
  struct Readout {
    double loss = 0, mse = 0;
    uint32_t rays = 0;
  };
  Readout readout(uint32_t n) const;

 private:
  void record(gpu::CommandList& cmd, const gpu::Program& program, uint32_t n, gpu::Buffer& ray_info,
              const nn::BatchView& samples, const nn::BatchView& outs, const nn::BatchView& rays,
              gpu::Buffer& d_outs, float loss_scale);

  RayLossConfig loss_;
  nn::BatchBuffer results_, stats_;
  gpu::Buffer no_gradients_;
  gpu::Program render_, train_;
};

// Double-precision reference of one ray: samples j = 0 .. count-1 with colour c_j, density sigma_j, dt_j, t_j.
struct RaySamplesRef {
  std::vector<std::array<double, 3>> color;
  std::vector<double> sigma, dt, t;
};
struct RayRenderRef {
  std::array<double, 3> color{};
  double depth = 0, opacity = 0, loss = 0;
  uint32_t used = 0;
  std::vector<std::array<double, 3>> d_color;  // dL/dc_j (the ray's loss times loss_scale)
  std::vector<double> d_sigma;
};
RayRenderRef volume_render_reference(const RaySamplesRef& s, const std::array<double, 3>& background,
                                     const std::array<double, 3>& target, const RayLossConfig& loss,
                                     double loss_scale, double min_transmittance = VolumeRenderer::kMinTransmittance);

}  // namespace nf::render
