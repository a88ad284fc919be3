#pragma once
// GNF's radiance field, "type": "sh_head" (see radiance_sh_head.cpp for the config).
#include "fields/radiance_field.hpp"
#include "fields/radiance_heads.hpp"

namespace nf::fields {

class ShHeadField final : public RadianceField {
 public:
  ShHeadField(gpu::Context& ctx, ConfigReader& config, uint32_t max_batch);
  json config() const override;
  void forward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs, uint32_t n,
               const nn::Segments& rays = {}) override;
  void backward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs,
                const nn::BatchView& d_outs, uint32_t n) override;
  void density(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& sigma, uint32_t n) override;

 private:
  uint32_t max_degree_ = 3;
  float shift_ = -10;
  bool raw_ = false;
  std::unique_ptr<nn::Module> encoding_, network_;
  std::unique_ptr<ShColorHead> head_;
  std::unique_ptr<DensityHead> density_head_;
  nn::BatchBuffer features_, d_features_, o_, d_o_;
};

}  // namespace nf::fields
