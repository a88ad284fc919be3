// instant-ngp's radiance field ("type": "mlp_heads"):
//   h = density_network(encoding(x)) (geometry_features outputs; h_0 is the log density: density = exp(h_0));
//   colour = color_network([h | Y(d)]) with Y the (max_degree + 1)^2 spherical harmonics of d.
// Config: {"type": "mlp_heads", "encoding": {...}, "density_network": {"type": "mlp", ...},
//          "geometry_features": 16, "direction_encoding": {"max_degree": 3},
//          "color_network": {"type": "mlp", ..., "output_activation": "sigmoid"}}
#include "fields/radiance_mlp_heads.hpp"

#include "core/error.hpp"
#include "nn/encodings/encoding.hpp"
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
  if (density_net_->modulation_dims() || color_net_->modulation_dims())
    fail(c.where(), ": modulated networks are not supported in this field");
  head_ = std::make_unique<DensityHead>(ctx, DensityActivation::Exp, 0.0f);

  const uint32_t color_in = geometry_ + sh_->terms();
  modules_ = std::make_unique<ModuleSet>(ctx, std::vector<nn::Module*>{encoding_.get(), density_net_.get(), color_net_.get()},
                                         max_batch, std::max(encoding_->output_dims(), color_in), c.where());
  const uint32_t cap = modules_->capacity();
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
                            uint32_t n) {
  NF_ASSERT(n <= max_batch(), "radiance batch of ", n, " exceeds its capacity ", max_batch());
  const nn::BatchView x{samples.buffer, 3, samples.stride};
  encoding_->forward(cmd, x, features_.view(), n);
  density_net_->forward(cmd, features_.view(), geometry(color_in_), n);
  sh_->encode(cmd, samples, 3, color_in_.view(), geometry_, n);
  color_net_->forward(cmd, color_in_.view(), {outs.buffer, 3, outs.stride}, n);
  head_->forward(cmd, color_in_.view(), outs, 3, n);
}

void MlpHeadsField::backward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView&,
                             const nn::BatchView& d_outs, uint32_t n) {
  const nn::BatchView x{samples.buffer, 3, samples.stride};
  color_net_->backward(cmd, color_in_.view(), {d_outs.buffer, 3, d_outs.stride}, d_color_in_.view(), n);
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
