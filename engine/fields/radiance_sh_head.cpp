// GNF's radiance field ("type": "sh_head", DESIGN.md 4.1): o = network(encoding(x)) with 1 + 3 (l + 1)^2 outputs;
//   density = softplus(o_0 + density_shift) (GNF: -10), colour_c = sigmoid(sum_j Y_j(d) o_{1 + T c + j}).
// Config: {"type": "sh_head", "encoding": {...}, "network": {"type": "rbf", "neurons": 32}, "max_degree": 3,
//          "density_shift": -10, "color_activation": "sigmoid" | "none"}   (none: FreSh's raw output)
#include "fields/radiance_sh_head.hpp"

#include "core/error.hpp"
#include "nn/encodings/encoding.hpp"
#include "nn/networks/network.hpp"

namespace nf::fields {

ShHeadField::ShHeadField(gpu::Context& ctx, ConfigReader& c, uint32_t max_batch) {
  auto enc = c.child("encoding");
  if (!enc.has("type")) fail(c.where(), ": missing \"encoding\" with a \"type\"");
  encoding_ = nn::encodings().create(enc, ctx, 3);
  max_degree_ = c.get<uint32_t>("max_degree", max_degree_);
  if (max_degree_ > 3) fail(c.where(), ": max_degree must be in [0, 3]");
  shift_ = c.get<float>("density_shift", shift_);
  const auto activation = c.get<std::string>("color_activation", "sigmoid");
  if (activation != "sigmoid" && activation != "none")
    fail(c.where(), ": color_activation must be \"sigmoid\" or \"none\", not \"", activation, "\"");
  raw_ = activation == "none";
  head_ = std::make_unique<ShColorHead>(ctx, max_degree_, shift_, raw_);
  density_head_ = std::make_unique<DensityHead>(ctx, DensityActivation::Softplus, shift_);
  const uint32_t outputs = 1 + 3 * head_->terms();
  auto net = c.child("network");
  if (!net.has("type")) fail(c.where(), ": missing \"network\" with a \"type\"");
  network_ = nn::networks().create(net, ctx, encoding_->output_dims(), outputs);
  if (network_->modulation_dims()) fail(c.where(), ": modulated networks are not supported in this field");
  modules_ = std::make_unique<ModuleSet>(ctx, std::vector<nn::Module*>{encoding_.get(), network_.get()}, max_batch,
                                         std::max(encoding_->output_dims(), outputs), c.where());
  const uint32_t cap = modules_->capacity();
  features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), cap, "radiance features");
  d_features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), cap, "radiance feature gradients");
  o_ = nn::BatchBuffer(ctx, outputs, cap, "radiance network outputs");
  d_o_ = nn::BatchBuffer(ctx, outputs, cap, "radiance network output gradients");
}

json ShHeadField::config() const {
  return {{"type", "sh_head"},
          {"encoding", encoding_->config()},
          {"network", network_->config()},
          {"max_degree", max_degree_},
          {"density_shift", shift_},
          {"color_activation", raw_ ? "none" : "sigmoid"}};
}

void ShHeadField::forward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs, uint32_t n,
                          const nn::Segments&) {
  NF_ASSERT(n <= max_batch(), "radiance batch of ", n, " exceeds its capacity ", max_batch());
  encoding_->forward(cmd, {samples.buffer, 3, samples.stride}, features_.view(), n);
  network_->forward(cmd, features_.view(), o_.view(), n);
  head_->forward(cmd, o_.view(), samples, outs, n);
}

void ShHeadField::backward(gpu::CommandList& cmd, const nn::BatchView& samples, const nn::BatchView& outs,
                           const nn::BatchView& d_outs, uint32_t n) {
  head_->backward(cmd, o_.view(), samples, outs, d_outs, d_o_.view(), n);
  network_->backward(cmd, features_.view(), d_o_.view(), d_features_.view(), n);
  encoding_->backward(cmd, {samples.buffer, 3, samples.stride}, d_features_.view(), nn::BatchView{}, n);
}

void ShHeadField::density(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& sigma, uint32_t n) {
  NF_ASSERT(n <= max_batch(), "radiance batch of ", n, " exceeds its capacity ", max_batch());
  encoding_->forward(cmd, x, features_.view(), n);
  network_->forward(cmd, features_.view(), o_.view(), n);
  density_head_->forward(cmd, o_.view(), sigma, 0, n);
}

}  // namespace nf::fields
