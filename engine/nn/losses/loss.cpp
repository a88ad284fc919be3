#include "nn/losses/loss.hpp"

#include <cmath>

#include "gpu/context.hpp"

namespace nf::nn {
namespace {

// A workgroup of kGroupSize invocations, 4 samples each, covers kChunkAlign samples and writes one partial.
constexpr uint32_t kGroupSize = Loss::kChunkAlign / 4;

struct LossPush {
  uint32_t n;
  uint32_t stride;
  float scale;
  uint32_t first_group;
  float epsilon;
};

constexpr uint32_t kPartials = 3;  // per workgroup: sum |r|, sum r^2, sum r^2 / (|t| + eps)

}  // namespace

Loss::Loss(gpu::Context& ctx, LossKind kind, uint32_t dims, uint32_t max_samples, float epsilon)
    : kind_(kind),
      epsilon_(epsilon),
      dims_(dims),
      partials_(ctx, uint64_t(gpu::Groups::linear((uint64_t(max_samples) + 3) / 4, kGroupSize).x) *
                         gpu::Groups::linear((uint64_t(max_samples) + 3) / 4, kGroupSize).y * kPartials * sizeof(float),
                "loss partials", gpu::MemoryUsage::Host),
      program_(ctx, {"nn/loss", std::vector(4, gpu::BindingKind::Storage), sizeof(LossPush), kGroupSize,
                     {uint32_t(kind), dims}}) {
  std::vector<float> zeros(partials_.size() / sizeof(float), 0.0f);
  partials_.upload(std::span<const float>(zeros));
}

json Loss::config() const {
  if (kind_ == LossKind::Mape) return {{"type", "mape"}, {"epsilon", epsilon_}};
  return {{"type", kind_ == LossKind::L1 ? "l1" : "l2"}};
}

void Loss::evaluate(gpu::CommandList& cmd, const BatchView& y, const BatchView& t, const BatchView& d_y, uint32_t n,
                    uint32_t first, uint32_t total) {
  if (total == 0) total = n;
  NF_ASSERT(first % kChunkAlign == 0 && first + n <= total, "loss chunk [", first, ", ", first + n, ") of ", total);
  NF_ASSERT(y.dims == dims_ && t.dims == dims_ && d_y.dims == dims_, "loss over ", dims_, " dims given ", y.dims,
            "/", t.dims, "/", d_y.dims);
  NF_ASSERT(y.stride == t.stride && y.stride == d_y.stride && y.stride % 4 == 0,
            "loss operands must share one stride, a multiple of 4");
  const LossPush push{n, y.stride, float(1.0 / (double(total) * dims_)), first / kChunkAlign, epsilon_};
  const auto groups = gpu::Groups::linear((uint64_t(n) + 3) / 4, kGroupSize);
  NF_ASSERT((first / kChunkAlign + uint64_t(groups.x) * groups.y) * kPartials * sizeof(float) <= partials_.size(),
            "loss over ", total, " samples exceeds its capacity");
  cmd.dispatch(program_, groups,
               {gpu::Bind::in(*y.buffer), gpu::Bind::in(*t.buffer), gpu::Bind::out(*d_y.buffer),
                gpu::Bind::out(partials_)},
               push);
}

LossReadout Loss::readout(uint32_t n) const {
  const size_t count = (size_t(n) + kChunkAlign - 1) / kChunkAlign;
  std::vector<float> p(count * kPartials);
  partials_.download(p.data(), p.size() * sizeof(float));
  double abs_sum = 0, sq_sum = 0, rel_sum = 0;
  for (size_t i = 0; i < count; ++i) {
    abs_sum += p[kPartials * i];
    sq_sum += p[kPartials * i + 1];
    rel_sum += p[kPartials * i + 2];
  }
  const double elements = double(n) * dims_;
  return {abs_sum / elements, sq_sum / elements, rel_sum / elements};
}

double loss_reference(LossKind kind, std::span<const double> y, std::span<const double> t, std::span<double> d_y,
                      uint32_t dims, uint32_t n, uint32_t stride, double epsilon) {
  const double scale = 1.0 / (double(n) * dims);
  double total = 0;
  for (uint32_t d = 0; d < dims; ++d)
    for (uint32_t i = 0; i < n; ++i) {
      const size_t k = size_t(d) * stride + i;
      const double r = y[k] - t[k];
      const double w = kind == LossKind::Mape ? 1.0 / (std::abs(t[k]) + epsilon) : 1.0;
      total += kind == LossKind::L1 ? std::abs(r) : w * r * r;
      d_y[k] = scale * (kind == LossKind::L1 ? (r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0)) : 2.0 * w * r);
    }
  return total * scale;
}

const LossRegistry& losses() {
  static const LossRegistry r = LossRegistry("loss")
                                    .add("l1", [](ConfigReader&, gpu::Context& ctx, uint32_t dims, uint32_t max) {
                                      return std::make_unique<Loss>(ctx, LossKind::L1, dims, max);
                                    })
                                    .add("l2", [](ConfigReader&, gpu::Context& ctx, uint32_t dims, uint32_t max) {
                                      return std::make_unique<Loss>(ctx, LossKind::L2, dims, max);
                                    })
                                    .add("mape", [](ConfigReader& c, gpu::Context& ctx, uint32_t dims, uint32_t max) {
                                      const auto eps = c.get<float>("epsilon", 0.1f);
                                      if (!(eps > 0.0f)) fail(c.where(), ": epsilon must be > 0");
                                      return std::make_unique<Loss>(ctx, LossKind::Mape, dims, max, eps);
                                    });
  return r;
}

}  // namespace nf::nn
