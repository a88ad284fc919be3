#pragma once
// Element-wise regression losses over a batch, averaged over samples x dims (PyTorch reduction='mean').
//
// Config: {"type": "l1"} | {"type": "l2"} | {"type": "mape", "epsilon": 0.1}
//   mape: (y - t)^2 / (|t| + epsilon), GNF's SDF loss (DESIGN.md 4.1): a relative squared error that weighs
//   points near the surface (t ~ 0) most.
// evaluate() writes d_y = dloss/dy and per-workgroup sums of |y - t|, (y - t)^2 and (y - t)^2 / (|t| + eps)
// into a partials buffer;
// LossReadout sums them on the host when metrics are wanted (no read-back inside a step).
#include <memory>

#include "core/config.hpp"
#include "core/registry.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::nn {

enum class LossKind : uint32_t { L1 = 0, L2 = 1, Mape = 2 };

struct LossReadout {
  double mean_abs = 0;  // mean |y - t| over the batch's elements
  double mean_sq = 0;   // mean (y - t)^2
  double mean_rel = 0;  // mean (y - t)^2 / (|t| + epsilon) (the mape loss's epsilon; 0.1 for l1 and l2)
};

class Loss {
 public:
  // max_samples: the most samples of one step (all chunks together).
  Loss(gpu::Context& ctx, LossKind kind, uint32_t dims, uint32_t max_samples, float epsilon = 0.1f);
  json config() const;
  LossKind kind() const { return kind_; }

  // Records the loss of y against t for a chunk of n samples that starts at sample `first` (a multiple of
  // kChunkAlign) of a step of `total` samples: d_y includes the 1 / (total * dims) of the mean.
  void evaluate(gpu::CommandList& cmd, const BatchView& y, const BatchView& t, const BatchView& d_y, uint32_t n,
                uint32_t first = 0, uint32_t total = 0);
  // Reads the sums of the last step's evaluate() calls over `total` samples (the commands must have
  // completed).
  LossReadout readout(uint32_t total) const;

  static constexpr uint32_t kChunkAlign = 256;
  // The loss value from a readout.
  double value(const LossReadout& r) const {
    return kind_ == LossKind::L1 ? r.mean_abs : kind_ == LossKind::L2 ? r.mean_sq : r.mean_rel;
  }

 private:
  LossKind kind_;
  float epsilon_;
  uint32_t dims_;
  gpu::Buffer partials_;
  gpu::Program program_;
};

using LossRegistry = Registry<Loss, gpu::Context&, uint32_t /*dims*/, uint32_t /*max_samples*/>;
const LossRegistry& losses();

// Double-precision reference: returns the loss and fills d_y (same layout as the GPU's).
double loss_reference(LossKind kind, std::span<const double> y, std::span<const double> t, std::span<double> d_y,
                      uint32_t dims, uint32_t n, uint32_t stride, double epsilon = 0.1);

}  // namespace nf::nn
