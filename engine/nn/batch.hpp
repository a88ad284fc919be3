#pragma once
// Batched activations on the GPU, feature-major: value (sample i, feature d) lives at float index
// d * stride + i of the buffer. stride >= the number of samples in flight; dims x stride floats in all.
#include <cstdint>

#include "gpu/buffer.hpp"

namespace nf::nn {

struct BatchView {
  gpu::Buffer* buffer = nullptr;
  uint32_t dims = 0;
  uint32_t stride = 0;
};

// Groups of consecutive samples that a module normalises over together (a ray's samples: CAM's per-ray
// normalisation). Group g holds samples [first_g, first_g + count_g): rows 0 (first) and 1 (count) of `info`
// (uints, row stride `stride`; a count with bit 31 set is an empty group); sample s belongs to group
// group_of[s], or to none (~0u: it is normalised alone). Empty (info == nullptr): every sample alone.
struct Segments {
  gpu::Buffer* info = nullptr;
  uint32_t stride = 0, count = 0;
  gpu::Buffer* group_of = nullptr;
};

// A buffer sized for `dims` features of up to `capacity` samples. The capacity (its views' stride) is rounded
// up to a multiple of 4, so kernels may access a row's samples four at a time as one vec4 (NF_ROW4 in
// shaders/include/common.glsl): samples up to the next multiple of 4 lie inside their row.
struct BatchBuffer {
  gpu::Buffer buffer;
  uint32_t dims = 0;
  uint32_t capacity = 0;

  BatchBuffer() = default;
  BatchBuffer(gpu::Context& ctx, uint32_t dims_, uint32_t capacity_, const std::string& name)
      : buffer(ctx, uint64_t(dims_) * round_up4(capacity_) * sizeof(float), name),
        dims(dims_),
        capacity(round_up4(capacity_)) {}
  BatchView view() { return {&buffer, dims, capacity}; }

 private:
  static uint32_t round_up4(uint32_t n) { return (n + 3) / 4 * 4; }
};

}  // namespace nf::nn
