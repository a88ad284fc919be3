#pragma once
// The parameter-free kernels of radiance fields (fields/radiance_field.hpp): the spherical-harmonics
// encoding of view directions and the heads that turn network outputs into density and colour. Each has a
// double-precision reference (radiance_heads_reference.cpp).
#include <array>
#include <vector>

#include "gpu/commands.hpp"
#include "gpu/program.hpp"
#include "nn/batch.hpp"

namespace nf::fields {

// (max_degree + 1)^2 real spherical harmonics of unit directions (shaders/include/sh.glsl).
class ShEncoding {
 public:
  ShEncoding(gpu::Context& ctx, uint32_t max_degree);
  uint32_t terms() const { return terms_; }
  // Rows [out_row, out_row + terms()) of out get Y_j of the directions in rows [dir_row, dir_row + 3) of dirs.
  void encode(gpu::CommandList& cmd, const nn::BatchView& dirs, uint32_t dir_row, const nn::BatchView& out,
              uint32_t out_row, uint32_t n) const;

 private:
  uint32_t terms_;
  gpu::Program program_;
};

// CAM's radiance coordinate: view directions as (azimuth, elevation) in [-1, 1]^2 (+Z up):
// (atan2(d.y, d.x) / pi, asin(d.z) * 2 / pi).
class DirectionAngles {
 public:
  explicit DirectionAngles(gpu::Context& ctx);
  // Rows 0, 1 of out from the directions in rows [dir_row, dir_row + 3) of dirs.
  void compute(gpu::CommandList& cmd, const nn::BatchView& dirs, uint32_t dir_row, const nn::BatchView& out,
               uint32_t n) const;

 private:
  gpu::Program program_;
};

enum class DensityActivation : uint32_t { Exp = 0, Softplus = 1 };

// density = exp(r) (gradient with exp(clamp(r, -15, 15))) or softplus(r + shift), r = row 0 of raw.
class DensityHead {
 public:
  DensityHead(gpu::Context& ctx, DensityActivation activation, float shift);
  // Row out_row of out = density.
  void forward(gpu::CommandList& cmd, const nn::BatchView& raw, const nn::BatchView& out, uint32_t out_row,
               uint32_t n) const;
  // Row 0 of d_raw += (row 3 of d_outs) * ddensity/dr.
  void backward(gpu::CommandList& cmd, const nn::BatchView& raw, const nn::BatchView& d_outs,
                const nn::BatchView& d_raw, uint32_t n) const;

 private:
  float shift_;
  gpu::Program forward_, backward_;
};

// GNF's head: outs = (sigmoid(sum_j Y_j(d) o_{1 + T c + j}) for c = 0, 1, 2; softplus(o_0 + shift)); raw: the
// sums without the sigmoid (FreSh compares raw outputs).
class ShColorHead {
 public:
  ShColorHead(gpu::Context& ctx, uint32_t max_degree, float shift, bool raw = false);
  uint32_t terms() const { return terms_; }
  void forward(gpu::CommandList& cmd, const nn::BatchView& o, const nn::BatchView& samples,
               const nn::BatchView& outs, uint32_t n) const;
  // d_o from d_outs (the forward's outs give the colours).
  void backward(gpu::CommandList& cmd, const nn::BatchView& o, const nn::BatchView& samples,
                const nn::BatchView& outs, const nn::BatchView& d_outs, const nn::BatchView& d_o, uint32_t n) const;

 private:
  uint32_t terms_;
  float shift_;
  gpu::Program forward_, backward_;
};

// References.
std::array<double, 2> direction_angles_reference(const std::array<double, 3>& d);
std::vector<double> sh_reference(const std::array<double, 3>& d, uint32_t terms);
double density_reference(DensityActivation a, double r, double shift);
// The derivative the kernels use (exp: clamped argument).
double density_slope_reference(DensityActivation a, double r, double shift);

}  // namespace nf::fields
