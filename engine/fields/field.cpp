#include "fields/field.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "nn/encodings/encoding.hpp"
#include "nn/modulations/modulation.hpp"
#include "nn/networks/network.hpp"

namespace nf::fields {

Field::Field(gpu::Context& ctx, const json& config, const std::string& where, uint32_t input_dims,
             uint32_t output_dims, uint32_t max_batch)
    : ctx_(ctx), max_batch_(max_batch) {
  ConfigReader c(config, where);
  auto enc = c.child("encoding");
  if (!enc.has("type")) fail(where, ": missing \"encoding\" with a \"type\"");
  encoding_ = nn::encodings().create(enc, ctx, input_dims);
  auto net = c.child("network");
  if (!net.has("type")) fail(where, ": missing \"network\" with a \"type\"");
  network_ = nn::networks().create(net, ctx, encoding_->output_dims(), output_dims);
  c.finish();
  if (const uint32_t m = network_->modulation_dims()) {
    ConfigReader mc(network_->modulation_config(), where + ": network: modulation");
    if (!mc.has("type")) fail(mc.where(), ": missing \"type\"");
    modulation_ = nn::modulations().create(mc, ctx, input_dims, m);
  }

  for (const auto& b : encoding_->parameter_blocks()) encoding_trains_ |= b.trainable;
  uint32_t widest = encoding_->output_dims();
  if (modulation_) widest = std::max(widest, modulation_->output_dims());
  modules_ = std::make_unique<ModuleSet>(ctx, modules(), max_batch, widest, where);
  max_batch_ = modules_->max_batch();
  const uint32_t cap = modules_->capacity();
  capacity_ = cap;
  features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), cap, "features");
  if (encoding_trains_) d_features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), cap, "feature gradients");
  if (modulation_) {
    mod_ = nn::BatchBuffer(ctx, modulation_->output_dims(), cap, "modulation");
    d_mod_ = nn::BatchBuffer(ctx, modulation_->output_dims(), cap, "modulation gradients");
    network_->set_modulation(mod_.view(), d_mod_.view());
  }
}

std::vector<nn::Module*> Field::modules() const {
  std::vector<nn::Module*> m = {encoding_.get(), network_.get()};
  if (modulation_) m.push_back(modulation_.get());
  return m;
}

json Field::config() const { return {{"encoding", encoding_->config()}, {"network", network_->config()}}; }

nn::SampleCost Field::training_cost() const { return modules_->training_cost(); }

void Field::initialize(uint64_t seed) { modules_->initialize(seed); }

void Field::forward(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, uint32_t n) {
  NF_ASSERT(n <= max_batch_, "field batch of ", n, " exceeds its capacity ", max_batch_);
  encoding_->forward(cmd, x, features_.view(), n);
  if (modulation_) modulation_->forward(cmd, x, mod_.view(), n);
  network_->forward(cmd, features_.view(), y, n);
}

void Field::backward(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& d_y, uint32_t n) {
  NF_ASSERT(n <= max_batch_, "field batch of ", n, " exceeds its capacity ", max_batch_);
  network_->backward(cmd, features_.view(), d_y, encoding_trains_ ? d_features_.view() : nn::BatchView{}, n);
  if (encoding_trains_) encoding_->backward(cmd, x, d_features_.view(), nn::BatchView{}, n);
  if (modulation_) modulation_->backward(cmd, x, d_mod_.view(), nn::BatchView{}, n);
}

void Field::input_gradient(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y,
                           const nn::BatchView& grad, uint32_t n) {
  if (output_dims() != 1) fail("input gradients need a 1-output field (this one has ", output_dims(), ")");
  NF_ASSERT(grad.buffer && grad.dims == input_dims(), "field input gradient: grad must have ", input_dims(), " rows");
  make_ones();
  forward(cmd, x, y, n);
  network_->backward_input(cmd, features_.view(), ones_.view(), d_features_.view(), n);
  encoding_->backward_input(cmd, x, d_features_.view(), grad, n);
  if (modulation_) modulation_->backward_input(cmd, x, d_mod_.view(), grad, n);  // adds its share
}

void Field::make_ones() {
  if (ones_.buffer) return;
  ones_ = nn::BatchBuffer(ctx_, 1, capacity_, "field dy/dy");
  ones_.buffer.upload(std::span<const float>(std::vector<float>(capacity_, 1.0f)));
  if (!encoding_trains_) d_features_ = nn::BatchBuffer(ctx_, encoding_->output_dims(), capacity_, "feature gradients");
}

std::string Field::eikonal_unsupported() const {
  if (output_dims() != 1) return cat("the eikonal term needs a 1-output field (this one has ", output_dims(), ")");
  if (modulation_) return "the eikonal term does not support modulated (CAM) networks";
  if (const char* why = encoding_->jvp_unsupported()) return cat("the eikonal term: encoding ", why);
  if (const char* why = network_->jvp_unsupported()) return cat("the eikonal term: network ", why);
  return {};
}

void Field::eikonal_backward(gpu::CommandList& cmd, const nn::BatchView& x, uint32_t n, nn::Eikonal& eikonal,
                             float scale) {
  if (const auto why = eikonal_unsupported(); !why.empty()) fail(why);
  NF_ASSERT(n <= max_batch_, "field batch of ", n, " exceeds its capacity ", max_batch_);
  make_ones();
  if (!eik_g_.buffer) {
    const uint32_t d = input_dims(), f = encoding_->output_dims();
    eik_y_ = nn::BatchBuffer(ctx_, 1, capacity_, "eikonal y");
    eik_y_dot_ = nn::BatchBuffer(ctx_, 1, capacity_, "eikonal y tangent");
    eik_g_ = nn::BatchBuffer(ctx_, d, capacity_, "eikonal gradients");
    eik_g_hat_ = nn::BatchBuffer(ctx_, d, capacity_, "eikonal g_hat");
    eik_f_dot_ = nn::BatchBuffer(ctx_, f, capacity_, "eikonal feature tangent");
    eik_d_f_ = nn::BatchBuffer(ctx_, f, capacity_, "eikonal tangent feature gradients");
  }
  // g = grad_x y through the network's input gradient (kept in d_features_: the tangent's gradient with
  // respect to the feature tangent) and the encoding's.
  forward(cmd, x, eik_y_.view(), n);
  network_->backward_input(cmd, features_.view(), ones_.view(), d_features_.view(), n);
  encoding_->backward_input(cmd, x, d_features_.view(), eik_g_.view(), n);
  eikonal.evaluate(cmd, eik_g_.view(), eik_g_hat_.view(), n, scale);
  // The tangent y_dot = J(x) g_hat = g_hat . g and its parameter gradient (seed 1): through the network
  // (and its dependence on the features, where not 0 almost everywhere), then the encoding's tangent
  // (linear in the cell values: scatter with d_features_ = dy_dot / dF_dot).
  encoding_->jvp(cmd, x, eik_g_hat_.view(), eik_f_dot_.view(), n);
  network_->jvp(cmd, features_.view(), eik_f_dot_.view(), eik_y_dot_.view(), n);
  if (network_->jvp_backward(cmd, features_.view(), eik_f_dot_.view(), ones_.view(), eik_d_f_.view(), n))
    encoding_->backward(cmd, x, eik_d_f_.view(), nn::BatchView{}, n);
  encoding_->jvp_backward(cmd, x, eik_g_hat_.view(), d_features_.view(), nn::BatchView{}, n);
}

}  // namespace nf::fields
