// instant-ngp's radiance field ("type": "mlp_heads"):
//   h = density_network(encoding(x)) (geometry_features outputs; h_0 is the log density: density = exp(h_0));
//   colour = color_network([h | Y(d)]) with Y the (max_degree + 1)^2 spherical harmonics of d.
// Config: {"type": "mlp_heads", "encoding": {...}, "density_network": {"type": "mlp", ...},
//          "geometry_features": 16, "direction_encoding": {"max_degree": 3},
//          "color_network": {"type": "mlp", ..., "output_activation": "sigmoid"}}
// CAM (Lee et al. 2024, their Mip-NeRF variant): a colour network with "modulation": {"type": "cam",
// "resolution": [10, 3]} (and "normalization": "ray": GroupNorm over a ray's samples x units) has its hidden
// layers modulated by grids over the view direction's (azimuth, elevation) (DirectionAngles).
#include "fields/radiance_mlp_heads.hpp"

#include "core/error.hpp"
#include "nn/encodings/encoding.hpp"
#include "nn/modulations/cam.hpp"
#include "nn/modulations/modulation.hpp"
#include "nn/networks/network.hpp"

namespace nf::fields {

MlpHeadsField::MlpHeadsField(gpu::Context& ctx, ConfigReader& c, uint32_t max_batch) {
  auto enc = c.child("encoding");
  if (!enc.has("type")) fail(c.where(), ": missing \"encoding\" with a \"type\"");
  encoding_ = nn::encodings().create(enc, ctx, 3);
  geometry_ = c.get<uint32_t>("geometry_features", 16);
  if (geometry_ < 1 || geometry_ > 64) fail(c.where(), ": geometry_features must be in [1, 64]");
  auto dn = c.child("density_network");
  if (!dn.has("type")) fail(c.where(), ": missing \"density_network\" with a \"type\"");
  density_net_ = nn::networks().create(dn, ctx, encoding_->output_dims(), geometry_);
  auto de = c.child("direction_encoding");
  max_degree_ = de.get<uint32_t>("max_degree", 3);
  if (max_degree_ > 3) fail(de.where(), ": max_degree must be in [0, 3]");
  de.finish();
  sh_ = std::make_unique<ShEncoding>(ctx, max_degree_);
  auto cn = c.child("color_network");
  if (!cn.has("type")) fail(c.where(), ": missing \"color_network\" with a \"type\"");
  color_net_ = nn::networks().create(cn, ctx, geometry_ + sh_->terms(), 3);
  if (density_net_->modulation_dims()) fail(c.where(), ": the density network cannot be modulated (CAM modulates the colour)");
  head_ = std::make_unique<DensityHead>(ctx, DensityActivation::Exp, 0.0f);
  std::vector<nn::Module*> modules = {encoding_.get(), density_net_.get(), color_net_.get()};
  if (const uint32_t m = color_net_->modulation_dims()) {
    ConfigReader mc(color_net_->modulation_config(), c.where() + ": color_network: modulation");
    if (!mc.has("type")) fail(mc.where(), ": missing \"type\"");
    modulation_ = nn::modulations().create(mc, ctx, 2, m);
    angles_ = std::make_unique<DirectionAngles>(ctx);
    modules.push_back(modulation_.get());
  }

  const uint32_t color_in = geometry_ + sh_->terms();
  modules_ = std::make_unique<ModuleSet>(ctx, modules, max_batch, std::max(encoding_->output_dims(), color_in),
                                         c.where());
  const uint32_t cap = modules_->capacity();
  if (modulation_) {
    angles_buffer_ = nn::BatchBuffer(ctx, 2, cap, "view direction angles");
    mod_ = nn::BatchBuffer(ctx, modulation_->output_dims(), cap, "colour modulation");
    d_mod_ = nn::BatchBuffer(ctx, modulation_->output_dims(), cap, "colour modulation gradients");
    color_net_->set_modulation(mod_.view(), d_mod_.view());
  }
  features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), cap, "radiance features");
  d_features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), cap, "radiance feature gradients");
  color_in_ = nn::BatchBuffer(ctx, color_in, cap, "radiance colour inputs");
  d_color_in_ = nn::BatchBuffer(ctx, color_in, cap, "radiance colour input gradients");
}

json MlpHeadsField::config() const {
  return {{"type", "mlp_heads"},
          {"encoding", encoding_->config()},
          {"density_network", density_net_->config()},
          {"geometry_features", geometry_},
          {"direction_encoding", {{"max_degree", max_degree_}}},
          {"color_network", color_net_->config()}};
}

nn::BatchView MlpHeadsField::geometry(nn::BatchBuffer& b) const { return {&b.buffer, geometry_, b.capacity}; }

void MlpHeadsField::forward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs,
                            uint32_t n, const nn::Segments& rays) {
  NF_ASSERT(n <= max_batch(), "radiance batch of ", n, " exceeds its capacity ", max_batch());
  const nn::BatchView x{samples.buffer, 3, samples.stride};
  encoding_->forward(cmd, x, features_.view(), n);
  density_net_->forward(cmd, features_.view(), geometry(color_in_), n);
  sh_->encode(cmd, samples, 3, color_in_.view(), geometry_, n);
  if (modulation_) {
    angles_->compute(cmd, samples, 3, angles_buffer_.view(), n);
    modulation_->forward(cmd, angles_buffer_.view(), mod_.view(), n);
    color_net_->set_segments(rays);
    // A ray's samples share its direction, so CAM sums their gradients before scattering them.
    if (auto* cam = dynamic_cast<nn::CamGrids*>(modulation_.get())) cam->set_constant_groups(rays);
  }
  color_net_->forward(cmd, color_in_.view(), {outs.buffer, 3, outs.stride}, n);
  head_->forward(cmd, color_in_.view(), outs, 3, n);
}

void MlpHeadsField::backward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView&,
                             const nn::BatchView& d_outs, uint32_t n) {
  const nn::BatchView x{samples.buffer, 3, samples.stride};
  color_net_->backward(cmd, color_in_.view(), {d_outs.buffer, 3, d_outs.stride}, d_color_in_.view(), n);
  if (modulation_) modulation_->backward(cmd, angles_buffer_.view(), d_mod_.view(), nn::BatchView{}, n);
  head_->backward(cmd, color_in_.view(), d_outs, d_color_in_.view(), n);
  density_net_->backward(cmd, features_.view(), geometry(d_color_in_), d_features_.view(), n);
  encoding_->backward(cmd, x, d_features_.view(), nn::BatchView{}, n);
}

void MlpHeadsField::density(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& sigma, uint32_t n) {
  NF_ASSERT(n <= max_batch(), "radiance batch of ", n, " exceeds its capacity ", max_batch());
  encoding_->forward(cmd, x, features_.view(), n);
  density_net_->forward(cmd, features_.view(), geometry(color_in_), n);
  head_->forward(cmd, color_in_.view(), sigma, 0, n);
}

}  // namespace nf::fields
