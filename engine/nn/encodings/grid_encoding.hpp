#pragma once
// The dispatch side shared by the grid encodings (hash grid, DiF-grid): one parameter block of cell values
// (block 0), a per-level table on the device, and two kernels with one binding layout:
//   <kernel>_forward:  0 values, 1 level table, 2 x, 3 F (or F_dot), 4 x_dot;
//                      push {n, stride_x, stride_f, stride_t}; spec constants (encoding's..., TANGENT)
//   <kernel>_backward: 0 value gradients, 1 level table, 2 x, 3 dL/dF, 4 values, 5 dL/dx, 6 x_dot;
//                      push {n, stride_x, stride_f, stride_dx}; spec constants (encoding's..., PARAM_GRAD,
//                      INPUT_GRAD, TANGENT); "<kernel>_backward@cas" on devices without float atomic add.
// Subclasses supply the level table and their own constants, config, blocks, cost and initialisation.
#include <span>
#include <string>

#include "gpu/buffer.hpp"
#include "gpu/program.hpp"
#include "nn/module.hpp"

namespace nf::nn {

class GridEncoding : public Module {
 public:
  uint32_t input_dims() const override { return dims_; }
  void forward(gpu::CommandList& cmd, const BatchView& x, const BatchView& y, uint32_t n) override;
  // With d_x: also writes dL/dx (the derivative of the interpolation weights).
  void backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                uint32_t n) override;
  void backward_input(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                      uint32_t n) override;
  // Tangent: F_dot = sum of (dweight/dx . x_dot) * cell values; its backward scatters (dweight/dx . x_dot) *
  // dL/dF_dot into the parameter gradients (dL/dx, a second derivative of the interpolation, is not
  // offered: d_x must be empty).
  const char* jvp_unsupported() const override { return nullptr; }
  void jvp(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& y_dot,
           uint32_t n) override;
  bool jvp_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& x_dot, const BatchView& d_y_dot,
                    const BatchView& d_x, uint32_t n) override;

 protected:
  // name: for error messages ("hash grid"); kernel: shader path prefix ("nn/hashgrid"); constants: the
  // encoding's leading specialization constants; table: uploaded as the level table.
  GridEncoding(gpu::Context& ctx, uint32_t dims, std::string name, const std::string& kernel,
               const std::vector<uint32_t>& constants, std::span<const uint32_t> table);

  uint32_t dims_;

 private:
  // mode 0: parameter gradients, 1: parameter and input gradients, 2: input gradients only.
  void record_backward(gpu::CommandList& cmd, const BatchView& x, const BatchView& d_y, const BatchView& d_x,
                       uint32_t n, int mode);

  std::string name_;
  gpu::Buffer level_table_;
  gpu::Program forward_, backward_[3];
  gpu::Program jvp_, jvp_backward_;
};

}  // namespace nf::nn
