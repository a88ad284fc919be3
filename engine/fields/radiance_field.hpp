#pragma once
// Radiance fields: (position x in [-1,1]^3, unit view direction d) -> (colour in [0,1]^3, density >= 0), built
// from a config with a "type" (registry in radiance_field.cpp):
//   "mlp_heads" (instant-ngp): encoding(x) -> density network, whose first output is the log density ->
//     [its outputs | spherical harmonics of d] -> colour network (sigmoid); a colour network with CAM
//     modulation is modulated by grids over the view direction's (azimuth, elevation);   (radiance_mlp_heads.cpp)
//   "sh_head" (GNF): encoding(x) -> network -> o; density = softplus(o_0 + shift), colour =
//     sigmoid(sum_j Y_j(d) k_j) with the SH coefficients k = o_1.. of each channel.   (radiance_sh_head.cpp)
// Spherical harmonics: "max_degree" l (0..3) gives (l + 1)^2 terms; instant-ngp's "degree 4" (tiny-cuda-nn
// counts terms per axis) is max_degree 3, GNF's "degree 3" too (shaders/include/sh.glsl).
// Batches are feature-major (nn/batch.hpp). A sample batch holds x in rows 0-2 and d in rows 3-5
// (render::SampleRows); outputs hold colour in rows 0-2 and density in row 3.
#include <memory>
#include <string>

#include "core/config.hpp"
#include "fields/module_set.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::fields {

class RadianceField {
 public:
  virtual ~RadianceField() = default;

  // Builds the field a config describes (where names it in errors), for batches of up to max_batch samples.
  static std::unique_ptr<RadianceField> create(gpu::Context& ctx, const json& config, const std::string& where,
                                               uint32_t max_batch);

  virtual json config() const = 0;
  nn::ParameterStore& parameters() { return modules_->store(); }
  uint64_t parameter_count() const { return modules_->store().count(); }
  // Samples per call (<= the requested max_batch where the device's buffers are smaller).
  uint32_t max_batch() const { return modules_->max_batch(); }
  nn::SampleCost training_cost() const { return modules_->training_cost(); }
  void initialize(uint64_t seed) { modules_->initialize(seed); }

  // Records outs = field(samples) for samples [0, n). rays: the samples grouped by ray (render::RayMarcher::
  // segments), for fields that normalise over a ray's samples (CAM's radiance variant); empty: each alone.
  virtual void forward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs, uint32_t n,
                       const nn::Segments& rays = {}) = 0;
  // Records the backward pass for dL/douts = d_outs: adds the parameter gradients to parameters().gradients().
  // Must follow forward() on the same samples, outs and n in the same command list.
  virtual void backward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs,
                        const nn::BatchView& d_outs, uint32_t n) = 0;
  // Records the density alone (1 row) at positions x (3 rows) for n samples; clobbers the scratch a
  // forward() left for backward().
  virtual void density(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& sigma, uint32_t n) = 0;

 protected:
  std::unique_ptr<ModuleSet> modules_;
};

}  // namespace nf::fields
