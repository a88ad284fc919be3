#include "module_harness.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace nf::test {

ModuleHarness::ModuleHarness(gpu::Context& ctx, nn::Module& module)
    : ctx_(ctx), module_(module), store_(std::make_unique<nn::ParameterStore>(ctx, module.parameter_blocks())),
      stream_(ctx, 1) {
  module_.bind(*store_, 0);
}

void ModuleHarness::set_parameters(const std::vector<std::vector<double>>& blocks) {
  std::vector<float> all(store_->size(), 0.0f);
  NF_ASSERT(blocks.size() == store_->blocks().size(), "one vector per parameter block");
  for (size_t b = 0; b < blocks.size(); ++b) {
    const auto& placed = store_->blocks()[b];
    NF_ASSERT(blocks[b].size() == placed.block.count, "block ", placed.block.name, " size");
    for (size_t i = 0; i < blocks[b].size(); ++i) all[placed.offset + i] = float(blocks[b][i]);
  }
  store_->upload(all);
}

std::vector<std::vector<double>> ModuleHarness::gradients() const {
  const auto all = store_->gradients().download_all<float>();
  std::vector<std::vector<double>> out;
  for (const auto& placed : store_->blocks())
    out.emplace_back(all.begin() + placed.offset, all.begin() + placed.offset + placed.block.count);
  return out;
}

double ModuleHarness::max_abs_gradient() const {
  double m = 0;
  for (float v : store_->gradients().download_all<float>()) m = std::max(m, double(std::abs(v)));
  return m;
}

void ModuleHarness::ensure(uint32_t n) {
  n_ = n;
  if (n <= capacity_) {
    if (!modulation_.empty()) upload(mod_, modulation_, n);
    return;
  }
  NF_ASSERT(capacity_ == 0, "the harness reserves once: run the largest batch first");
  capacity_ = (n + 63) / 64 * 64;
  x_ = nn::BatchBuffer(ctx_, module_.input_dims(), capacity_, "test x");
  dx_ = nn::BatchBuffer(ctx_, module_.input_dims(), capacity_, "test dx");
  y_ = nn::BatchBuffer(ctx_, module_.output_dims(), capacity_, "test y");
  dy_ = nn::BatchBuffer(ctx_, module_.output_dims(), capacity_, "test dy");
  xdot_ = nn::BatchBuffer(ctx_, module_.input_dims(), capacity_, "test x tangent");
  ydot_ = nn::BatchBuffer(ctx_, module_.output_dims(), capacity_, "test y tangent");
  module_.reserve(ctx_, capacity_);
  if (const uint32_t m = module_.modulation_dims()) {
    mod_ = nn::BatchBuffer(ctx_, m, capacity_, "test modulation");
    dmod_ = nn::BatchBuffer(ctx_, m, capacity_, "test modulation gradients");
    module_.set_modulation(mod_.view(), dmod_.view());
    upload(mod_, modulation_, n);
  }
}

std::vector<double> ModuleHarness::modulation_gradients() const { return download(dmod_, n_); }

void ModuleHarness::upload(nn::BatchBuffer& b, const std::vector<double>& v, uint32_t n) {
  std::vector<float> fm(size_t(b.dims) * b.capacity, std::numeric_limits<float>::quiet_NaN());
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t d = 0; d < b.dims; ++d) fm[size_t(d) * b.capacity + i] = float(v[size_t(i) * b.dims + d]);
  b.buffer.upload(std::span<const float>(fm));
}

std::vector<double> ModuleHarness::download(const nn::BatchBuffer& b, uint32_t n) const {
  const auto fm = b.buffer.download_all<float>();
  std::vector<double> v(size_t(n) * b.dims);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t d = 0; d < b.dims; ++d) v[size_t(i) * b.dims + d] = fm[size_t(d) * b.capacity + i];
  return v;
}

std::vector<double> ModuleHarness::forward(const std::vector<double>& x) {
  const auto n = uint32_t(x.size() / module_.input_dims());
  ensure(n);
  upload(x_, x, n);
  upload(y_, {}, 0);  // poison
  auto& cmd = stream_.begin();
  module_.forward(cmd, x_.view(), y_.view(), n);
  stream_.submit();
  stream_.wait();
  return download(y_, n);
}

std::vector<double> ModuleHarness::backward(const std::vector<double>& x, const std::vector<double>& d_y,
                                            bool want_dx) {
  const auto n = uint32_t(x.size() / module_.input_dims());
  ensure(n);
  upload(x_, x, n);
  upload(y_, {}, 0);
  upload(dy_, d_y, n);
  upload(dx_, {}, 0);
  auto& cmd = stream_.begin();
  cmd.fill(store_->gradients(), 0);
  module_.forward(cmd, x_.view(), y_.view(), n);
  module_.backward(cmd, x_.view(), dy_.view(), want_dx ? dx_.view() : nn::BatchView{}, n);
  stream_.submit();
  stream_.wait();
  return want_dx ? download(dx_, n) : std::vector<double>{};
}

std::vector<double> ModuleHarness::backward_input(const std::vector<double>& x, const std::vector<double>& d_y,
                                                  const std::vector<double>& d_x_initial) {
  const auto n = uint32_t(x.size() / module_.input_dims());
  ensure(n);
  upload(x_, x, n);
  upload(y_, {}, 0);
  upload(dy_, d_y, n);
  upload(dx_, d_x_initial, d_x_initial.empty() ? 0 : n);
  auto& cmd = stream_.begin();
  cmd.fill(store_->gradients(), 0);
  module_.forward(cmd, x_.view(), y_.view(), n);
  module_.backward_input(cmd, x_.view(), dy_.view(), dx_.view(), n);
  stream_.submit();
  stream_.wait();
  return download(dx_, n);
}

size_t expect_input_gradient_matches_fd(
    const std::function<std::vector<double>(std::span<const double> x)>& forward, uint32_t dims,
    std::span<const double> x, std::span<const double> d_f, std::span<const double> d_x, double h, double tol) {
  const size_t n = x.size() / dims, nf = d_f.size() / n;
  size_t checked = 0;
  for (size_t i = 0; i < n; ++i)
    for (uint32_t a = 0; a < dims; ++a) {
      auto quotient = [&](double step) {
        std::vector<double> up(x.begin() + i * dims, x.begin() + (i + 1) * dims), down = up;
        up[a] += step;
        down[a] -= step;
        const auto fu = forward(up), fd = forward(down);
        double s = 0;
        for (size_t f = 0; f < nf; ++f) s += d_f[i * nf + f] * (fu[f] - fd[f]);
        return s / (2 * step);
      };
      const double q = quotient(h), q2 = quotient(h / 2), g = d_x[i * dims + a];
      if (std::abs(q - q2) > tol * (1 + std::abs(g))) continue;  // a kink within h
      EXPECT_NEAR(q, g, tol * (1 + std::abs(g))) << "sample " << i << " axis " << a;
      ++checked;
    }
  return checked;
}

std::vector<double> ModuleHarness::jvp(const std::vector<double>& x, const std::vector<double>& x_dot) {
  const auto n = uint32_t(x.size() / module_.input_dims());
  ensure(n);
  upload(x_, x, n);
  upload(xdot_, x_dot, n);
  upload(ydot_, {}, 0);
  auto& cmd = stream_.begin();
  module_.forward(cmd, x_.view(), y_.view(), n);
  module_.jvp(cmd, x_.view(), xdot_.view(), ydot_.view(), n);
  stream_.submit();
  stream_.wait();
  return download(ydot_, n);
}

std::vector<double> ModuleHarness::jvp_backward(const std::vector<double>& x, const std::vector<double>& x_dot,
                                                const std::vector<double>& d_y_dot, bool want_dx) {
  const auto n = uint32_t(x.size() / module_.input_dims());
  ensure(n);
  upload(x_, x, n);
  upload(xdot_, x_dot, n);
  upload(dy_, d_y_dot, n);
  upload(dx_, {}, 0);
  auto& cmd = stream_.begin();
  cmd.fill(store_->gradients(), 0);
  module_.forward(cmd, x_.view(), y_.view(), n);
  module_.jvp(cmd, x_.view(), xdot_.view(), ydot_.view(), n);
  const bool wrote =
      module_.jvp_backward(cmd, x_.view(), xdot_.view(), dy_.view(), want_dx ? dx_.view() : nn::BatchView{}, n);
  stream_.submit();
  stream_.wait();
  return wrote ? download(dx_, n) : std::vector<double>{};
}

InputGradientComparison compare_input_gradients(std::span<const double> gpu, std::span<const double> ref,
                                                uint32_t dims) {
  NF_ASSERT(gpu.size() == ref.size(), "input gradient sizes differ");
  const size_t n = ref.size() / dims;
  double ms = 0;
  for (double v : ref) ms += v * v;
  const double rms = std::sqrt(ms / double(n));
  InputGradientComparison c;
  double err2 = 0, ref2 = 0;
  for (size_t i = 0; i < n; ++i) {
    double e = 0, r = 0;
    for (uint32_t a = 0; a < dims; ++a) {
      e += (gpu[i * dims + a] - ref[i * dims + a]) * (gpu[i * dims + a] - ref[i * dims + a]);
      r += ref[i * dims + a] * ref[i * dims + a];
    }
    if (!(std::sqrt(e) <= 1e-2 * rms)) {
      ++c.outliers;
      continue;
    }
    err2 += e;
    ref2 += r;
  }
  c.rel_error = std::sqrt(err2 / std::max(ref2, 1e-300));
  return c;
}

}  // namespace nf::test
