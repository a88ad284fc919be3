#include "fields/radiance_heads.hpp"

#include "core/error.hpp"
#include "gpu/context.hpp"

namespace nf::fields {
namespace {

constexpr uint32_t kGroupSize = 64;
constexpr gpu::BindingKind S = gpu::BindingKind::Storage;

struct ShPush {
  uint32_t n, dir_stride, dir_row, out_stride, out_row;
};
struct DensityPush {
  uint32_t n, raw_stride, out_stride, out_row;
  float shift;
};
struct AnglesPush {
  uint32_t n, dir_stride, dir_row, out_stride;
};
struct HeadPush {
  uint32_t n, o_stride, dir_stride, dir_row, out_stride;
  float shift;
};

uint32_t terms_of(uint32_t max_degree) {
  NF_ASSERT(max_degree <= 3, "spherical harmonics up to degree 3 (16 terms)");
  return (max_degree + 1) * (max_degree + 1);
}

}  // namespace

ShEncoding::ShEncoding(gpu::Context& ctx, uint32_t max_degree)
    : terms_(terms_of(max_degree)),
      program_(ctx, {"radiance/sh_encode", {S, S}, sizeof(ShPush), kGroupSize, {terms_}}) {}

void ShEncoding::encode(gpu::CommandList& cmd, const nn::BatchView& dirs, uint32_t dir_row, const nn::BatchView& out,
                        uint32_t out_row, uint32_t n) const {
  NF_ASSERT(dir_row + 3 <= dirs.dims && out_row + terms_ <= out.dims, "spherical harmonics: rows out of range");
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize), {gpu::Bind::in(*dirs.buffer), gpu::Bind::out(*out.buffer)},
               ShPush{n, dirs.stride, dir_row, out.stride, out_row});
}

DirectionAngles::DirectionAngles(gpu::Context& ctx)
    : program_(ctx, {"radiance/direction_angles", {S, S}, sizeof(AnglesPush), kGroupSize}) {}

void DirectionAngles::compute(gpu::CommandList& cmd, const nn::BatchView& dirs, uint32_t dir_row,
                              const nn::BatchView& out, uint32_t n) const {
  NF_ASSERT(dir_row + 3 <= dirs.dims && out.dims >= 2, "direction angles: rows out of range");
  cmd.dispatch(program_, gpu::Groups::linear(n, kGroupSize), {gpu::Bind::in(*dirs.buffer), gpu::Bind::out(*out.buffer)},
               AnglesPush{n, dirs.stride, dir_row, out.stride});
}

DensityHead::DensityHead(gpu::Context& ctx, DensityActivation activation, float shift)
    : shift_(shift),
      forward_(ctx, {"radiance/density_head", {S, S, S}, sizeof(DensityPush), kGroupSize, {uint32_t(activation), 0}}),
      backward_(ctx, {"radiance/density_head", {S, S, S}, sizeof(DensityPush), kGroupSize, {uint32_t(activation), 1}}) {}

void DensityHead::forward(gpu::CommandList& cmd, const nn::BatchView& raw, const nn::BatchView& out, uint32_t out_row,
                          uint32_t n) const {
  NF_ASSERT(out_row < out.dims, "density head: row ", out_row, " of ", out.dims);
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*raw.buffer), gpu::Bind::out(*out.buffer), gpu::Bind::in(*raw.buffer)},
               DensityPush{n, raw.stride, out.stride, out_row, shift_});
}

void DensityHead::backward(gpu::CommandList& cmd, const nn::BatchView& raw, const nn::BatchView& d_outs,
                           const nn::BatchView& d_raw, uint32_t n) const {
  NF_ASSERT(d_outs.dims == 4 && d_raw.stride == raw.stride, "density head backward: 4-row d_outs, d_raw like raw");
  cmd.dispatch(backward_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*raw.buffer), gpu::Bind::in(*d_outs.buffer), gpu::Bind::inout(*d_raw.buffer)},
               DensityPush{n, raw.stride, d_outs.stride, 3, shift_});
}

ShColorHead::ShColorHead(gpu::Context& ctx, uint32_t max_degree, float shift, bool raw)
    : terms_(terms_of(max_degree)),
      shift_(shift),
      forward_(ctx, {"radiance/sh_color_head", {S, S, S, S, S}, sizeof(HeadPush), kGroupSize, {terms_, 0, raw ? 1u : 0u}}),
      backward_(ctx, {"radiance/sh_color_head", {S, S, S, S, S}, sizeof(HeadPush), kGroupSize, {terms_, 1, raw ? 1u : 0u}}) {}

void ShColorHead::forward(gpu::CommandList& cmd, const nn::BatchView& o, const nn::BatchView& samples,
                          const nn::BatchView& outs, uint32_t n) const {
  cmd.dispatch(forward_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*o.buffer), gpu::Bind::in(*samples.buffer), gpu::Bind::out(*outs.buffer),
                gpu::Bind::in(*o.buffer), gpu::Bind::in(*outs.buffer)},
               HeadPush{n, o.stride, samples.stride, 3, outs.stride, shift_});
}

void ShColorHead::backward(gpu::CommandList& cmd, const nn::BatchView& o, const nn::BatchView& samples,
                           const nn::BatchView& outs, const nn::BatchView& d_outs, const nn::BatchView& d_o,
                           uint32_t n) const {
  NF_ASSERT(d_o.stride == o.stride && d_outs.stride == outs.stride, "head gradients take their values' strides");
  cmd.dispatch(backward_, gpu::Groups::linear(n, kGroupSize),
               {gpu::Bind::in(*o.buffer), gpu::Bind::in(*samples.buffer), gpu::Bind::in(*d_outs.buffer),
                gpu::Bind::out(*d_o.buffer), gpu::Bind::in(*outs.buffer)},
               HeadPush{n, o.stride, samples.stride, 3, outs.stride, shift_});
}

}  // namespace nf::fields
