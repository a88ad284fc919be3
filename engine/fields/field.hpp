#pragma once
// A neural field: an encoding followed by a network, with all parameters in one ParameterStore.
//
// Config: {"encoding": {"type": ...}, "network": {"type": ...}}. The encoding's output feeds the network.
// When the network is modulated (an MLP with "modulation": {"type": "cam", ...}), the field builds the
// modulation module on the same input coordinates and wires its output into the network. The field owns
// the intermediate buffers for batches of up to max_batch samples.
#include <memory>
#include <string>

#include "core/config.hpp"
#include "fields/module_set.hpp"
#include "gpu/commands.hpp"
#include "nn/batch.hpp"
#include "nn/losses/eikonal.hpp"
#include "nn/module.hpp"
#include "nn/parameters.hpp"

namespace nf::fields {

class Field {
 public:
  // where: how to name the config in errors (e.g. "config rbf.json: field").
  Field(gpu::Context& ctx, const json& config, const std::string& where, uint32_t input_dims, uint32_t output_dims,
        uint32_t max_batch);

  json config() const;
  uint32_t input_dims() const { return encoding_->input_dims(); }
  uint32_t output_dims() const { return network_->output_dims(); }
  // Samples per forward/backward call: the requested max_batch, or less where the device's buffers are
  // too small for it.
  uint32_t max_batch() const { return max_batch_; }
  nn::ParameterStore& parameters() { return modules_->store(); }
  uint64_t parameter_count() const { return modules_->store().count(); }
  // Encoding + network work per training sample (see nn::SampleCost), plus the feature traffic between them.
  nn::SampleCost training_cost() const;

  // Fresh random parameters for a seed (host-side, reproducible across devices).
  void initialize(uint64_t seed);

  // Records y = field(x) for n <= max_batch samples.
  void forward(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, uint32_t n);
  // Records the backward pass; must follow forward() with the same x and n in the same command list.
  // Adds the parameter gradients to parameters().gradients().
  void backward(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& d_y, uint32_t n);
  // Records y = field(x) and grad = dy/dx (input_dims rows, analytic: the network's input gradient for
  // dL/dy = 1 through the encoding's, plus the CAM grids' when modulated) for n <= max_batch samples of a
  // 1-output field. Leaves parameters().gradients() untouched (modules' backward_input), so it can run
  // between training steps or inside one.
  void input_gradient(gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y,
                      const nn::BatchView& grad, uint32_t n);

  // The eikonal term. eikonal_unsupported(): empty when this field (a 1-output field whose encoding and
  // network have tangent passes, without modulation) supports it, else the reason.
  std::string eikonal_unsupported() const;
  // Records, for n <= max_batch points x, the exact gradient of scale * sum_i (|grad_x y(x_i)| - 1)^2: adds it
  // to parameters().gradients() (forward over reverse: with g = grad_x y and g_hat = d(term)/dg held fixed,
  // d(term)/dtheta = d/dtheta of g_hat . grad_x y, the parameter gradient of the tangent along g_hat).
  // eikonal accumulates the term's sums.
  void eikonal_backward(gpu::CommandList& cmd, const nn::BatchView& x, uint32_t n, nn::Eikonal& eikonal, float scale);

 private:
  std::vector<nn::Module*> modules() const;
  void make_ones();

  gpu::Context& ctx_;
  std::unique_ptr<nn::Module> encoding_, network_, modulation_;
  std::unique_ptr<ModuleSet> modules_;
  uint32_t max_batch_;
  bool encoding_trains_ = false;
  uint32_t capacity_ = 0;
  nn::BatchBuffer features_, d_features_, mod_, d_mod_;
  nn::BatchBuffer ones_;  // dL/dy = 1 for input_gradient (made on first use, as d_features_ when frozen)
  // The eikonal term's scratch (made on first use): y, g = grad_x y, g_hat, the feature tangent, and the
  // tangent's gradient with respect to the features.
  nn::BatchBuffer eik_y_, eik_g_, eik_g_hat_, eik_f_dot_, eik_d_f_, eik_y_dot_;
};

}  // namespace nf::fields
