#include "fields/field.hpp"

#include "core/error.hpp"
#include "nn/encodings/encoding.hpp"
#include "nn/networks/network.hpp"

namespace nf::fields {

Field::Field(gpu::Context& ctx, const json& config, const std::string& where, uint32_t input_dims,
             uint32_t output_dims, uint32_t max_batch)
    : max_batch_(max_batch) {
  ConfigReader c(config, where);
  auto enc = c.child("encoding");
  if (!enc.has("type")) fail(where, ": missing \"encoding\" with a \"type\"");
  encoding_ = nn::encodings().create(enc, ctx, input_dims);
  auto net = c.child("network");
  if (!net.has("type")) fail(where, ": missing \"network\" with a \"type\"");
  network_ = nn::networks().create(net, ctx, encoding_->output_dims(), output_dims);
  c.finish();

  std::vector<nn::ParamBlock> blocks = encoding_->parameter_blocks();
  const size_t network_first = blocks.size();
  for (auto& b : network_->parameter_blocks()) blocks.push_back(b);
  store_ = std::make_unique<nn::ParameterStore>(ctx, blocks);
  encoding_->bind(*store_, 0);
  network_->bind(*store_, network_first);
  features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), max_batch, "features");
  d_features_ = nn::BatchBuffer(ctx, encoding_->output_dims(), max_batch, "feature gradients");
}

json Field::config() const { return {{"encoding", encoding_->config()}, {"network", network_->config()}}; }

nn::SampleCost Field::training_cost() const {
  const auto e = encoding_->training_cost(), n = network_->training_cost();
  return {e.flops + n.flops, e.bytes + n.bytes};
}

void Field::initialize(uint64_t seed) {
  Pcg32 rng(seed);
  std::vector<float> values(store_->size(), 0.0f);
  const auto& blocks = store_->blocks();
  auto spans_of = [&](size_t first, size_t count) {
    std::vector<std::span<float>> spans;
    for (size_t b = first; b < first + count; ++b)
      spans.emplace_back(values.data() + blocks[b].offset, blocks[b].block.count);
    return spans;
  };
  const size_t n_enc = encoding_->parameter_blocks().size();
  encoding_->initialize(spans_of(0, n_enc), rng);
  network_->initialize(spans_of(n_enc, blocks.size() - n_enc), rng);
  store_->upload(values);
}

void Field::forward(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, uint32_t n) {
  NF_ASSERT(n <= max_batch_, "field batch of ", n, " exceeds its capacity ", max_batch_);
  encoding_->forward(cmd, x, features_.view(), n);
  network_->forward(cmd, features_.view(), y, n);
}

void Field::backward(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& d_y, uint32_t n) {
  NF_ASSERT(n <= max_batch_, "field batch of ", n, " exceeds its capacity ", max_batch_);
  network_->backward(cmd, features_.view(), d_y, d_features_.view(), n);
  encoding_->backward(cmd, x, d_features_.view(), nn::BatchView{}, n);
}

}  // namespace nf::fields
