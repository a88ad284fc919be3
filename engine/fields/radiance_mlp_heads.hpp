#pragma once
// instant-ngp's radiance field, "type": "mlp_heads" (see radiance_mlp_heads.cpp for the config).
#include "fields/radiance_field.hpp"
#include "fields/radiance_heads.hpp"

namespace nf::fields {

class MlpHeadsField final : public RadianceField {
 public:
  MlpHeadsField(gpu::Context& ctx, ConfigReader& config, uint32_t max_batch);
  json config() const override;
  void forward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs, uint32_t n,
               const nn::Segments& rays = {}) override;
  void backward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs,
                const nn::BatchView& d_outs, uint32_t n) override;
  void density(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& sigma, uint32_t n) override;

 private:
  // The first geometry_ rows of a colour-input buffer: the density network's outputs.
  nn::BatchView geometry(nn::BatchBuffer& b) const;

  uint32_t geometry_ = 16, max_degree_ = 3;
  std::unique_ptr<nn::Module> encoding_, density_net_, color_net_, modulation_;
  std::unique_ptr<ShEncoding> sh_;
  std::unique_ptr<DensityHead> head_;
  std::unique_ptr<DirectionAngles> angles_;
  nn::BatchBuffer features_, d_features_, color_in_, d_color_in_;
  nn::BatchBuffer angles_buffer_, mod_, d_mod_;  // CAM: (azimuth, elevation), (gamma, beta) rows and gradients
};

}  // namespace nf::fields
